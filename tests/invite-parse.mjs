// Reads an iCalendar file with ical.js (the parser of Thunderbird) and
// prints what an invitation must agree on, as one JSON line: METHOD, UID,
// SEQUENCE, STATUS, ORGANIZER, the attendees and the instants in UTC
// (through the VTIMEZONE the file carries), or the dates of a whole-day
// event.  Used by tests/invite-smtp.sh and tests/encoding.sh.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

// ical.js is installed in tests/node by autogen.sh (npm ci).
const require = createRequire(new URL("./node/package.json", import.meta.url));
const ICAL = require("ical.js");

const text = readFileSync(process.argv[2], "utf8");
const cal = new ICAL.Component(ICAL.parse(text));
for (const vtz of cal.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(new ICAL.Timezone(vtz));
}
const events = cal.getAllSubcomponents("vevent");
if (events.length !== 1) throw new Error(`${events.length} VEVENTs`);
const ev = events[0];

const address = (v) => String(v || "").replace(/^mailto:/i, "").toLowerCase();
const param = (p, name) => {
  const v = p.getParameter(name);
  return v === undefined || v === null ? "" : String(v).toUpperCase();
};
const instant = (name) => {
  const t = ev.getFirstPropertyValue(name);
  if (t.isDate) return t.toString(); // a whole day (VALUE=DATE), as a visit's
  const zone = ev.getFirstProperty(name).getParameter("tzid");
  if (zone && !ICAL.TimezoneService.has(zone)) throw new Error(`no VTIMEZONE for ${zone}`);
  return new Date(t.toUnixTime() * 1000).toISOString().replace(".000Z", "Z");
};

const out = {
  method: cal.getFirstPropertyValue("method"),
  uid: ev.getFirstPropertyValue("uid"),
  sequence: ev.getFirstPropertyValue("sequence"),
  status: ev.getFirstPropertyValue("status") || "", // none in a CANCEL that uninvites
  location: ev.getFirstPropertyValue("location") || "",
  summary: ev.getFirstPropertyValue("summary"),
  organizer: address(ev.getFirstPropertyValue("organizer")),
  attendees: ev.getAllProperties("attendee").map((p) =>
    [address(p.getFirstValue()), p.getParameter("cn") || "", param(p, "role"),
     param(p, "partstat"), param(p, "rsvp")].join("|")).sort(),
  start: instant("dtstart"),
  end: instant("dtend"),
};
process.stdout.write(JSON.stringify(out, Object.keys(out).sort()) + "\n");
