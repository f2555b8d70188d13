"""Date and time formats that differ from Django's for Brussels (FORMAT_MODULE_PATH).

Django's "en" formats are American (month first, 12-hour clock); English in
Brussels writes day-month-year and a 24-hour clock. Django's "bg" formats lack
a short date-time format, which would fall back to the American default.
"""
