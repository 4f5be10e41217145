#!/usr/bin/env node
// ical-expand.js: the second independent parser of pullout's feed tests (ical.js from npm).
// Usage: ical-expand.js FILE.ics FROM TO  (dates YYYY-MM-DD, inclusive)
// Prints one line per occurrence between FROM and TO, "YYYY-MM-DD HH:MM HH:MM", in the feed's
// X-WR-TIMEZONE (or each event's own zone), sorted; RRULE minus EXDATE, RECURRENCE-ID overrides
// and standalone events all expanded the way ical.js does it. Exit 1 on a parse error.
'use strict';

const fs = require('fs');
const path = require('path');

const ICAL = require(path.join(__dirname, '..', 'node_modules', 'ical.js', 'dist', 'ical.es5.cjs'));

function fail(message) {
        process.stderr.write('ical-expand: ' + message + '\n');
        process.exit(1);
}

if (process.argv.length !== 5)
        fail('usage: ical-expand.js FILE.ics FROM TO');
const [file, fromText, toText] = process.argv.slice(2);
const datePattern = /^\d{4}-\d{2}-\d{2}$/;
if (!datePattern.test(fromText) || !datePattern.test(toText))
        fail('FROM and TO are YYYY-MM-DD');

let calendar;
try {
        calendar = new ICAL.Component(ICAL.parse(fs.readFileSync(file, 'utf8')));
} catch (error) {
        fail('parse error: ' + error.message);
}
if (calendar.name !== 'vcalendar')
        fail('not a VCALENDAR');

for (const vtimezone of calendar.getAllSubcomponents('vtimezone'))
        ICAL.TimezoneService.register(vtimezone);
const feedZoneName = calendar.getFirstPropertyValue('x-wr-timezone');
const feedZone = feedZoneName && ICAL.TimezoneService.has(feedZoneName) ? ICAL.TimezoneService.get(feedZoneName) : null;

const pad = (n) => String(n).padStart(2, '0');
function local(time) {
        const t = feedZone ? time.convertToZone(feedZone) : time;
        return { date: `${t.year}-${pad(t.month)}-${pad(t.day)}`, clock: `${pad(t.hour)}:${pad(t.minute)}` };
}

// Overrides (RECURRENCE-ID) belong to their master; ical.js relates them by UID.
const events = calendar.getAllSubcomponents('vevent');
const masters = new Map();
const overrides = [];
for (const vevent of events) {
        const event = new ICAL.Event(vevent);
        if (!event.uid)
                fail('VEVENT without UID');
        if (!event.startDate)
                fail(`VEVENT ${event.uid} without DTSTART`);
        if (event.startDate.isDate === false && event.startDate.zone === ICAL.Timezone.localTimezone)
                fail(`VEVENT ${event.uid} has a floating DTSTART`);
        if (event.isRecurrenceException())
                overrides.push(event);
        else if (masters.has(event.uid))
                fail(`two VEVENTs with UID ${event.uid}`);
        else
                masters.set(event.uid, event);
}
for (const event of overrides) {
        const master = masters.get(event.uid);
        if (!master)
                fail(`override of unknown UID ${event.uid}`);
        master.relateException(event);
}

const lines = [];
for (const event of masters.values()) {
        const iterator = event.iterator();
        for (let next = iterator.next(), guard = 0; next; next = iterator.next(), guard++) {
                if (guard > 100000)
                        fail(`UID ${event.uid} does not end`);
                const details = event.getOccurrenceDetails(next);
                const start = local(details.startDate), end = local(details.endDate);
                if (start.date > toText)
                        break;
                if (start.date < fromText)
                        continue;
                if (start.date !== end.date)
                        fail(`UID ${event.uid} occurrence ${start.date} ends on another day`);
                lines.push(`${start.date} ${start.clock} ${end.clock}`);
        }
}
lines.sort();
process.stdout.write(lines.map((line) => line + '\n').join(''));
