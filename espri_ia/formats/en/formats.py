"""English dates as the group reads them: a 24-hour clock, like the French pages and the
Paris time they show, and no "p.m." whose own full stop doubles a sentence's."""

DATETIME_FORMAT = "j F Y, H:i"
TIME_FORMAT = "H:i"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
