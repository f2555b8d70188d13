"""Open311 GeoReport v2 at ``/open311/v2/`` (https://wiki.open311.org/GeoReport_v2).

- ``GET discovery.{json,xml}``: where this endpoint is and what it speaks;
- ``GET services.{fmt}``: the public categories (confidential ones never
  appear); ``GET services/<service_code>.{fmt}``: the attributes a request
  may carry (who reports; for some categories, whether to tell the police);
- ``GET requests.{fmt}``: public reports, newest first. Filters of the spec:
  ``service_request_id`` (comma-separated; the other filters are then
  ignored), ``service_code`` (comma-separated), ``start_date``, ``end_date``
  (W3C date-times; without both, the last 90 days), ``status``
  (``open``, ``closed`` or both); extensions: ``lat``, ``long`` and
  ``radius`` (metres, default 1,000, at most 20,000) around a point, and
  ``page``/``page_size`` (default 50, at most 200);
- ``POST requests.{fmt}``: a new report, anonymous; ``api_key`` is optional
  and not needed; ``lat`` and ``long`` are required (``address_string`` is not
  supported); ``description`` is optional, as the spec says (up to 5,000
  characters; the site's form asks for a few words);
  ``attribute[reporter_kind]``, ``attribute[wants_police]``; a photo may come
  as the multipart file ``media`` (``media_url`` is not fetched: the platform
  makes no request to third parties);
- ``GET requests/<service_request_id>.{fmt}``: one public report, as a list.

``service_request_id`` is the report's random public id (``Report.public_id``,
as in its public page's URL), never its sequential primary key.

Errors are, as the spec says, a list of ``{"code", "description"}`` with the
HTTP status as code. Names and sentences follow ``locale`` (nl, fr, en;
default en). ``agency_responsible`` is the responsible body's name; the
location is the public point, rounded to about 50 m; ``address`` names the
neighbourhood and municipality, never a street number. ``description`` is
always empty: the reporter's words are not published, here as on the site.
"""
