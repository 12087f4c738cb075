# Reads an iCalendar file with python3-icalendar and prints what an
# invitation must agree on, as one JSON line (see tests/invite-parse.mjs).
# python3-icalendar 4 resolves a TZID through the IANA database (pytz),
# where ical.js uses the VTIMEZONE of the file: the instants agree only
# when the TZID is the IANA name and the VTIMEZONE says what the database
# says.  The file must carry a VTIMEZONE for each TZID it uses.  Used by
# tests/invite-smtp.sh and tests/encoding.sh.
import datetime
import json
import sys

import icalendar

with open(sys.argv[1], "rb") as f:
    cal = icalendar.Calendar.from_ical(f.read())
events = [c for c in cal.walk("VEVENT")]
if len(events) != 1:
    sys.exit("%d VEVENTs" % len(events))
ev = events[0]
zones = {str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")}


def address(v):
    v = str(v or "")
    return (v[7:] if v.lower().startswith("mailto:") else v).lower()


def param(p, name):
    return str(p.params.get(name, "")).upper()


def instant(name):
    prop = ev[name]
    t = prop.dt
    if not isinstance(t, datetime.datetime):
        return t.isoformat()  # a whole day (VALUE=DATE), as a visit's
    tzid = prop.params.get("TZID")
    if tzid is not None:
        if str(tzid) not in zones:
            sys.exit("no VTIMEZONE for %s" % tzid)
        if t.tzinfo is None:
            sys.exit("%s: the TZID %s is no zone python3-icalendar knows" % (name, tzid))
    return t.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


attendees = ev.get("ATTENDEE", [])
if not isinstance(attendees, list):
    attendees = [attendees]
out = {
    "method": str(cal["METHOD"]),
    "uid": str(ev["UID"]),
    "sequence": int(ev["SEQUENCE"]),
    "status": str(ev.get("STATUS", "")),  # none in a CANCEL that uninvites
    "location": str(ev.get("LOCATION", "")),
    "summary": str(ev["SUMMARY"]),
    "organizer": address(ev["ORGANIZER"]),
    "attendees": sorted("|".join([address(a), str(a.params.get("CN", "")), param(a, "ROLE"),
                                  param(a, "PARTSTAT"), param(a, "RSVP")]) for a in attendees),
    "start": instant("DTSTART"),
    "end": instant("DTEND"),
}
sys.stdout.write(json.dumps(out, sort_keys=True, ensure_ascii=False, separators=(",", ":")) + "\n")
