"""The triggers that mark a conversation's facts stale whenever what they are counted
from changes, whichever code path writes it; and `insights_open_seconds`, the running
total of support-hour seconds that business-hours figures subtract (the twin of
conversations.service_levels.SupportHours.open_seconds_until).

Inserts are marked per statement, from their transition tables, so a bulk COPY of a
million messages marks each conversation once. Updates are marked per row and only when
a column the facts read changes: a delivery receipt on a message marks nothing."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION insights_open_seconds(t timestamptz, tz text, opens integer,
                                      closes integer, days integer[])
RETURNS double precision LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ((((t AT TIME ZONE tz)::date - DATE '2000-01-03') / 7) * days[8]
            + days[(((t AT TIME ZONE tz)::date - DATE '2000-01-03') % 7) + 1])::float8
           * (closes - opens)
         + CASE WHEN days[(((t AT TIME ZONE tz)::date - DATE '2000-01-03') % 7) + 2]
                     > days[(((t AT TIME ZONE tz)::date - DATE '2000-01-03') % 7) + 1]
                THEN LEAST(GREATEST(EXTRACT(EPOCH FROM (t AT TIME ZONE tz)::time)::float8
                                    - opens, 0), closes - opens)
                ELSE 0 END
$$;

CREATE FUNCTION insights_mark_new() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'conversations_conversation' THEN
        INSERT INTO insights_staleconversation (conversation_id)
        SELECT DISTINCT id FROM new_rows ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO insights_staleconversation (conversation_id)
        SELECT DISTINCT conversation_id FROM new_rows WHERE conversation_id IS NOT NULL
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION insights_mark_row() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'conversations_conversation' THEN
        INSERT INTO insights_staleconversation VALUES (OLD.id) ON CONFLICT DO NOTHING;
        IF TG_OP = 'UPDATE' THEN
            INSERT INTO insights_staleconversation VALUES (NEW.id) ON CONFLICT DO NOTHING;
        END IF;
    ELSE
        INSERT INTO insights_staleconversation VALUES (OLD.conversation_id)
            ON CONFLICT DO NOTHING;
        IF TG_OP = 'UPDATE' AND NEW.conversation_id <> OLD.conversation_id THEN
            INSERT INTO insights_staleconversation VALUES (NEW.conversation_id)
                ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER insights_conversation_new AFTER INSERT ON conversations_conversation
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_mark_new();
CREATE TRIGGER insights_conversation_change AFTER UPDATE ON conversations_conversation
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status
                       OR OLD.resolved_at IS DISTINCT FROM NEW.resolved_at
                       OR OLD.close_reason IS DISTINCT FROM NEW.close_reason
                       OR OLD.customer_id IS DISTINCT FROM NEW.customer_id
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at
                       OR (OLD.state -> 'frustration') IS DISTINCT FROM (NEW.state -> 'frustration'))
    EXECUTE FUNCTION insights_mark_row();
CREATE TRIGGER insights_conversation_gone AFTER DELETE ON conversations_conversation
    FOR EACH ROW EXECUTE FUNCTION insights_mark_row();

CREATE TRIGGER insights_message_new AFTER INSERT ON conversations_message
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_mark_new();
CREATE TRIGGER insights_message_change AFTER UPDATE ON conversations_message
    FOR EACH ROW WHEN (OLD.conversation_id IS DISTINCT FROM NEW.conversation_id
                       OR OLD.intent IS DISTINCT FROM NEW.intent
                       OR OLD.entities IS DISTINCT FROM NEW.entities
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at)
    EXECUTE FUNCTION insights_mark_row();
CREATE TRIGGER insights_message_gone AFTER DELETE ON conversations_message
    FOR EACH ROW EXECUTE FUNCTION insights_mark_row();

CREATE TRIGGER insights_handoff_new AFTER INSERT ON conversations_handoff
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_mark_new();
CREATE TRIGGER insights_handoff_change AFTER UPDATE ON conversations_handoff
    FOR EACH ROW WHEN (OLD.conversation_id IS DISTINCT FROM NEW.conversation_id
                       OR OLD.reason IS DISTINCT FROM NEW.reason
                       OR OLD.created_at IS DISTINCT FROM NEW.created_at
                       OR OLD.breached_at IS DISTINCT FROM NEW.breached_at
                       OR OLD.first_reply_at IS DISTINCT FROM NEW.first_reply_at)
    EXECUTE FUNCTION insights_mark_row();
CREATE TRIGGER insights_handoff_gone AFTER DELETE ON conversations_handoff
    FOR EACH ROW EXECUTE FUNCTION insights_mark_row();

CREATE TRIGGER insights_action_new AFTER INSERT ON conversations_actionrecord
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION insights_mark_new();

-- The conversations a shop already has get their facts on the first refresh.
INSERT INTO insights_staleconversation (conversation_id)
SELECT id FROM conversations_conversation ON CONFLICT DO NOTHING;
"""

BACKWARD = r"""
DROP TRIGGER IF EXISTS insights_action_new ON conversations_actionrecord;
DROP TRIGGER IF EXISTS insights_handoff_gone ON conversations_handoff;
DROP TRIGGER IF EXISTS insights_handoff_change ON conversations_handoff;
DROP TRIGGER IF EXISTS insights_handoff_new ON conversations_handoff;
DROP TRIGGER IF EXISTS insights_message_gone ON conversations_message;
DROP TRIGGER IF EXISTS insights_message_change ON conversations_message;
DROP TRIGGER IF EXISTS insights_message_new ON conversations_message;
DROP TRIGGER IF EXISTS insights_conversation_gone ON conversations_conversation;
DROP TRIGGER IF EXISTS insights_conversation_change ON conversations_conversation;
DROP TRIGGER IF EXISTS insights_conversation_new ON conversations_conversation;
DROP FUNCTION IF EXISTS insights_mark_row();
DROP FUNCTION IF EXISTS insights_mark_new();
DROP FUNCTION IF EXISTS insights_open_seconds(timestamptz, text, integer, integer, integer[]);
"""


class Migration(migrations.Migration):

    dependencies = [
        ("insights", "0001_initial"),
        ("conversations", "0007_handoff_service_level"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
