"""The alarm notification layer: how the people an alarm is routed to are told.

It holds the alarm events (stored in the caller's transaction, ordered ids,
fanned out to every web process on commit), the responders' live stream
(``GET /api/v1/alarms/stream``, ``stream.py``) and the offline deliveries of
those events and of check-in reminders (Web Push, SMS, voice call, e-mail),
one row per attempt. It handles only alarms and check-ins: the alarms app
decides who is told and when, and calls ``actions.publish``. The reports'
notifications to bodies and the consultation's notices to followers are
their apps' own (docs/notify.md). ``mail.py`` is apart: the console e-mail
backend of a local install, for every app's mail.
"""
