#!/usr/bin/python3
"""ical-validate.py: the strict independent parser of pullout's feed tests (python3-vobject).

Usage: ical-validate.py FILE.ics
Reads the file with vobject.readOne(validate=True), validates again raising on any problem, and
checks what vobject does not: CRLF line ends, lines of at most 75 octets, a VTIMEZONE for every
TZID, no floating DTSTART/DTEND/EXDATE outside VTIMEZONE. Prints "ok" or the problems; exit 0/1.
"""
import re
import sys

import vobject


def raw_checks(data):
    problems = []
    if b"\n" in data.replace(b"\r\n", b""):
        problems.append("a line ends without CRLF")
    if b"\r" in data.replace(b"\r\n", b""):
        problems.append("a bare CR")
    lines = data.split(b"\r\n")
    for number, line in enumerate(lines, 1):
        if len(line) > 75:
            problems.append("line %d has %d octets" % (number, len(line)))
    # Unfold, then look at properties.
    text = data.decode("utf-8")
    unfolded = re.sub(r"\r\n[ \t]", "", text).split("\r\n")
    zones = set()
    used = set()
    depth_tz = 0
    for line in unfolded:
        if line == "BEGIN:VTIMEZONE":
            depth_tz += 1
        elif line == "END:VTIMEZONE":
            depth_tz -= 1
        name, _, value = line.partition(":")
        if depth_tz and name == "TZID":
            zones.add(value)
            continue
        for tzid in re.findall(r";TZID=(\"[^\"]*\"|[^;:]*)", name):
            used.add(tzid.strip('"'))
        base = name.split(";")[0]
        if not depth_tz and base in ("DTSTART", "DTEND", "EXDATE", "RECURRENCE-ID"):
            if "VALUE=DATE" not in name and "TZID=" not in name and not value.endswith("Z"):
                problems.append("floating %s: %s" % (base, line))
    for tzid in sorted(used - zones):
        problems.append("TZID %s has no VTIMEZONE" % tzid)
    return problems


def main():
    if len(sys.argv) != 2:
        print("usage: ical-validate.py FILE.ics", file=sys.stderr)
        return 2
    with open(sys.argv[1], "rb") as handle:
        data = handle.read()
    problems = raw_checks(data)
    try:
        calendar = vobject.readOne(data.decode("utf-8"), validate=True)
        calendar.validate(raiseException=True)
        for event in calendar.contents.get("vevent", []):
            event.validate(raiseException=True)
            # Expanding the rules makes vobject check RRULE, EXDATE and their time zones.
            list(event.getrruleset(addRDate=True) or [])
    except Exception as error:  # vobject raises many kinds; all of them mean "rejected"
        problems.append("vobject: %s: %s" % (type(error).__name__, error))
    if problems:
        for problem in problems:
            print(problem)
        return 1
    print("ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
