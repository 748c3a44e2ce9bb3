"""The agent inbox, inside the admin at /admin/inbox/: the queue of conversations waiting
for a person, one page per conversation with everything needed to decide, and the actions
agents take (services.py), pushed live to every open inbox page (consumers.py)."""
