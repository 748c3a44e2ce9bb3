"""Each shopper message keeps the language it is written in; a canned response is written
in one language (those already there are English), and one shortcut holds it in several."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('conversations', '0007_handoff_service_level'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='cannedresponse',
            options={'ordering': ['title', 'shortcut', 'language']},
        ),
        migrations.AddField(
            model_name='cannedresponse',
            name='language',
            field=models.CharField(choices=[('en', 'English'), ('es', 'Spanish'), ('de', 'German'), ('fr', 'French'), ('it', 'Italian'), ('pt', 'Portuguese'), ('nl', 'Dutch')], default='en', max_length=8),
        ),
        migrations.AddField(
            model_name='message',
            name='language',
            field=models.CharField(blank=True, choices=[('en', 'English'), ('es', 'Spanish'), ('de', 'German'), ('fr', 'French'), ('it', 'Italian'), ('pt', 'Portuguese'), ('nl', 'Dutch')], max_length=8),
        ),
        migrations.AlterField(
            model_name='cannedresponse',
            name='shortcut',
            field=models.SlugField(max_length=40),
        ),
        migrations.AddConstraint(
            model_name='cannedresponse',
            constraint=models.UniqueConstraint(fields=('shortcut', 'language'), name='canned_response_once_per_language'),
        ),
    ]
