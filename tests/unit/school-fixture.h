/* school-fixture.h: a small hand-built school and its schedule, the same for every suite that
 * needs dated sessions: a closed Monday, an early release, an assembly, a DST change. */
#pragma once

#include "model/schedule.h"

/* Term 2026-09-14 (Mon) .. 2026-11-20 (Fri), America/Chicago.
 * Teachers T1 (Ada Nguyen, Jon Smith), T2 (Lena Park, Omar Haddad).
 * G1: LLI Primary, Dana Whitfield, Ada + Jon + Lena, MTWR 09:40-10:10 and F 13:00-13:30.
 * G2: Bridges Math, Rosa Díaz, Omar + Ada, MWF 10:15-10:55.
 * Calendar: 2026-10-12 closed (Fall Holiday); 2026-10-23 early release at 12:00;
 * 2026-10-28 blocked 09:30-10:20 (Assembly); 2026-10-29 blocked 09:00-09:40 (Fire drill);
 * 2026-11-11 closed (Veterans Day) and blocked 10:00-11:00; 2026-10-03 (a Saturday) closed. */
struct school *fixture_school(void);
/* The schedule above over a new fixture_school (the schedule holds the only reference). */
struct schedule *fixture_schedule(void);
