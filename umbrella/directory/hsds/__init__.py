"""The directory in Open Referral HSDS 3.0: objects and export (``exports``), which rows
are public (``queries``), and the read API at ``/api/hsds/`` (``api``, ``urls``)."""
