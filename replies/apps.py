from django.apps import AppConfig


class RepliesConfig(AppConfig):
    name = "replies"
    verbose_name = "Reply texts"
    default_auto_field = "django.db.models.BigAutoField"
