"""English dates as the group reads them: day before month, as on the French pages
("17 December 2026", never "Dec. 17, 2026"), and a 24-hour clock, like the Paris time
they show, with no "p.m." whose own full stop doubles a sentence's."""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
