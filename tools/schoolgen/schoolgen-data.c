/* schoolgen-data.c: the tables behind generated schools: grade timetables, programs with
 * their fidelity checklists, interventionist profiles, names and the 2026-27 calendar. */
#include "schoolgen-data.h"

#define B(s, e, subj, act, d) { s, e, SUBJECT_##subj, act, d, -1 }
#define BP(s, e, subj, act, d, pol) { s, e, SUBJECT_##subj, act, d, POLICY_##pol }

/* Lunch and recess are staggered by grade (K 10:45 .. 5th 12:50), specials follow one another
 * (the specials team sees one grade at a time), core reading and math sit at different times
 * per grade, and grades 1-4 have a WIN block: the times interventionists can share out. */
const struct schoolgen_grade_template schoolgen_grades[SCHOOLGEN_GRADES] = {
        { { /* K */
                B("08:00", "08:15", OTHER, "Morning meeting", "MTWRF"),
                B("08:15", "09:45", READING, "Reading workshop", "MTWRF"),
                B("09:45", "10:15", WRITING, "Writing", "MTWRF"),
                B("10:15", "10:45", OTHER, "Centers", "MTWRF"),
                B("10:45", "11:15", LUNCH, "Lunch", "MTWRF"),
                B("11:15", "11:35", RECESS, "Recess", "MTWRF"),
                B("11:35", "12:35", MATH, "Math", "MTWRF"),
                B("12:35", "13:05", SCIENCE, "Science", "MWF"),
                B("12:35", "13:05", SOCIAL_STUDIES, "Social studies", "TR"),
                B("13:15", "14:00", SPECIALS, NULL, "MTWRF"),
                B("14:00", "14:20", RECESS, "Afternoon recess", "MTWRF"),
                B("14:20", "14:50", OTHER, "Rest, stories and centers", "MTWRF"),
                B("14:50", "15:00", OTHER, "Pack up and dismissal", "MTWRF"),
        } },
        { { /* 1 */
                B("08:00", "08:15", OTHER, "Morning meeting", "MTWRF"),
                B("08:15", "09:00", SPECIALS, NULL, "MTWRF"),
                B("09:00", "10:30", READING, "Reading workshop", "MTWRF"),
                B("10:30", "11:00", INTERVENTION, "WIN time", "MTWRF"),
                B("11:00", "11:10", OTHER, "Brain break", "MTWRF"),
                B("11:10", "11:40", LUNCH, "Lunch", "MTWRF"),
                B("11:40", "12:00", RECESS, "Recess", "MTWRF"),
                B("12:00", "13:00", MATH, "Math", "MTWRF"),
                B("13:00", "13:40", WRITING, "Writing workshop", "MTWRF"),
                B("13:40", "14:20", SCIENCE, "Science", "MWF"),
                B("13:40", "14:20", SOCIAL_STUDIES, "Social studies", "TR"),
                B("14:20", "14:45", OTHER, "Choice time", "MTWRF"),
                B("14:45", "15:00", OTHER, "Pack up and dismissal", "MTWRF"),
        } },
        { { /* 2 */
                B("08:00", "08:15", OTHER, "Morning meeting", "MTWRF"),
                B("08:15", "09:15", MATH, "Math", "MTWRF"),
                B("09:15", "10:00", SPECIALS, NULL, "MTWRF"),
                B("10:00", "10:30", INTERVENTION, "WIN time", "MTWRF"),
                B("10:30", "11:15", WRITING, "Writing workshop", "MTWRF"),
                B("11:15", "11:35", OTHER, "Read aloud", "MTWRF"),
                B("11:35", "12:05", LUNCH, "Lunch", "MTWRF"),
                B("12:05", "12:25", RECESS, "Recess", "MTWRF"),
                B("12:25", "13:55", READING, "Reading workshop", "MTWRF"),
                B("13:55", "14:40", SCIENCE, "Science", "MWF"),
                B("13:55", "14:40", SOCIAL_STUDIES, "Social studies", "TR"),
                B("14:40", "15:00", OTHER, "Class meeting and dismissal", "MTWRF"),
        } },
        { { /* 3 */
                B("08:00", "08:15", OTHER, "Morning meeting", "MTWRF"),
                B("08:15", "09:45", READING, "Reading workshop", "MTWRF"),
                B("09:45", "10:15", WRITING, "Writing", "MTWRF"),
                B("10:15", "11:00", SPECIALS, NULL, "MTWRF"),
                B("11:00", "12:00", MATH, "Math", "MTWRF"),
                B("12:00", "12:30", LUNCH, "Lunch", "MTWRF"),
                B("12:30", "12:50", RECESS, "Recess", "MTWRF"),
                B("12:50", "13:35", SCIENCE, "Science", "MWF"),
                B("12:50", "13:35", SOCIAL_STUDIES, "Social studies", "TR"),
                BP("13:35", "14:00", OTHER, "Read aloud, \"chapter book\"", "MTWRF", AVOID),
                B("14:00", "14:30", INTERVENTION, "WIN time", "MTWRF"),
                B("14:30", "15:00", OTHER, "Project time and dismissal", "MTWRF"),
        } },
        { { /* 4 */
                B("08:00", "08:15", OTHER, "Morning meeting", "MTWRF"),
                B("08:15", "09:45", READING, "Reading workshop", "MTWRF"),
                B("09:45", "10:30", WRITING, "Writing workshop", "MTWRF"),
                B("10:30", "11:30", MATH, "Math", "MTWRF"),
                B("11:30", "12:15", SCIENCE, "Science", "MWF"),
                B("11:30", "12:15", SOCIAL_STUDIES, "Social studies", "TR"),
                B("12:25", "12:55", LUNCH, "Lunch", "MTWRF"),
                B("12:55", "13:15", RECESS, "Recess", "MTWRF"),
                B("13:15", "13:45", INTERVENTION, "WIN time", "MTWRF"),
                B("13:45", "14:15", OTHER, "Read aloud", "MTWRF"),
                B("14:15", "15:00", SPECIALS, NULL, "MTWRF"),
        } },
        { { /* 5 */
                B("08:00", "08:15", OTHER, "Morning meeting", "MTWRF"),
                B("08:15", "09:15", MATH, "Math", "MTWRF"),
                B("09:15", "10:45", READING, "Reading workshop", "MTWRF"),
                B("10:45", "11:15", OTHER, "Class meeting", "MTWRF"),
                B("11:15", "12:00", SPECIALS, NULL, "MTWRF"),
                B("12:00", "12:50", SCIENCE, "Science", "MWF"),
                B("12:00", "12:50", SOCIAL_STUDIES, "Social studies", "TR"),
                B("12:50", "13:20", LUNCH, "Lunch", "MTWRF"),
                B("13:20", "13:40", RECESS, "Recess", "MTWRF"),
                B("13:40", "14:25", WRITING, "Writer's workshop", "MTWRF"),
                B("14:25", "15:00", OTHER, "Projects and dismissal", "MTWRF"),
        } },
};

const char *const schoolgen_specials[4] = { "Art", "Music", "PE", "Library" };

const struct schoolgen_program_template schoolgen_programs[SCHOOLGEN_PROGRAMS] = {
        { "LLI-P", "Leveled Literacy Intervention, primary", AREA_READING, 3, 30, 5, 1,
          "Rereading familiar books;Phonics and word work;New book introduction;"
          "Reading the new book;Writing about reading;Running record",
          { 70, 55, 35, 0, 0, 0 } },
        { "LLI-I", "Leveled Literacy Intervention, intermediate", AREA_READING, 4, 45, 5, 1,
          "Rereading and assessment;Phonics, spelling or word study;New book introduction;"
          "Discussion of the text;Writing about reading",
          { 0, 0, 0, 30, 30, 30 } },
        { "WRS", "Wilson Reading System", AREA_READING, 4, 45, 3, 2,
          "Sound cards quick drill;Teach and review concepts;Word cards;Wordlist reading;"
          "Sentence reading;Dictation: sounds, words, sentences;Passage reading",
          { 0, 0, 15, 15, 15, 15 } },
        { "RN", "Read Naturally", AREA_READING, 5, 30, 3, 2,
          "Select story and cold timing;Key words;Read along (3 times);Practice to goal;"
          "Hot timing and graph;Comprehension questions",
          { 0, 0, 15, 15, 15, 15 } },
        { "MATH", "Math intervention (Do The Math)", AREA_MATH, 5, 30, 4, 1,
          "Fact fluency warm-up;Concrete-representational-abstract lesson;Guided practice;"
          "Independent check;Student graphs progress",
          { 0, 30, 25, 30, 30, 30 } },
        { "SEL", "Check-in/check-out and social skills group", AREA_BEHAVIOR, 6, 30, 2, 2,
          "Check-in and feelings scale;Skill lesson;Role play;Point sheet review;Check-out",
          { 30, 15, 10, 10, 10, 10 } },
};

/* The first profiles cover every program, so a school with few interventionists can still
 * serve most needs; later interventionists are generalists with staggered lunches. */
const struct schoolgen_staff_template schoolgen_staff_profiles[SCHOOLGEN_STAFF_PROFILES] = {
        { "LLI-P;LLI-I;RN", 8, { { "MTWRF", "08:00", "11:30" }, { "MTWRF", "12:00", "15:00" } } },
        { "MATH;SEL;RN", 8, { { "MTWRF", "08:00", "12:00" }, { "MTWRF", "12:30", "15:00" } } },
        { "WRS;LLI-I;LLI-P", 8, { { "MTWRF", "08:00", "11:45" }, { "MTWRF", "12:15", "15:00" } } },
        /* part-time, mornings only */
        { "LLI-P;MATH", 5, { { "MTWRF", "08:00", "11:45" } } },
        /* part-time, Monday, Wednesday and Friday */
        { "WRS;RN;SEL", 6, { { "MWF", "08:00", "11:30" }, { "MWF", "12:00", "15:00" } } },
        /* the counselor, who runs the behavior groups between duties */
        { "SEL", 4, { { "MTWRF", "09:00", "11:00" }, { "MTWR", "12:30", "14:30" } } },
};

#define N(x) { x, NULL }
#define NA(x, a) { x, a }

const struct schoolgen_name schoolgen_first_names[] = {
        N("Aaliyah"), N("Aiden"), N("Amara"), N("Amir"), N("Ava"), N("Benjamin"), N("Brooklyn"),
        N("Caleb"), N("Camila"), N("Carter"), N("Chloe"), N("Daniel"), N("Diego"), N("Dylan"),
        N("Elena"), N("Elijah"), N("Ella"), N("Emma"), N("Ethan"), N("Evelyn"), N("Ezra"),
        N("Fatima"), N("Gabriel"), N("Grace"), N("Hannah"), N("Harper"), N("Hazel"), N("Henry"),
        N("Isaac"), N("Isabella"), N("Jackson"), N("Jasmine"), N("Jayden"), NA("José", "jose"),
        N("Julian"), N("Kai"), N("Layla"), N("Leah"), N("Leo"), N("Liam"), N("Lily"), N("Lucas"),
        N("Luna"), N("Malik"), N("Maya"), N("Mateo"), N("Mia"), N("Mila"), N("Nadia"), N("Noah"),
        N("Nora"), N("Oliver"), N("Omar"), N("Owen"), N("Priya"), N("Riley"), N("Samuel"),
        N("Sarah"), N("Sebastian"), NA("Sofía", "sofia"), N("Sophia"), N("Theo"), N("Valentina"),
        N("Wyatt"), N("Xavier"), N("Yusuf"), N("Zara"), NA("Zoë", "zoe"), N("Anh"), N("Mei"),
};
const size_t schoolgen_n_first_names = sizeof schoolgen_first_names / sizeof schoolgen_first_names[0];

const struct schoolgen_name schoolgen_last_names[] = {
        N("Adams"), N("Ahmed"), N("Alvarez"), N("Anderson"), N("Baker"), N("Bennett"), N("Brooks"),
        N("Campbell"), N("Carter"), N("Chen"), N("Clark"), N("Collins"), N("Cooper"), N("Cruz"),
        N("Davis"), N("Diaz"), N("Edwards"), N("Evans"), N("Fischer"), N("Flores"), N("Foster"),
        NA("García", "garcia"), N("Gomez"), N("Gray"), N("Green"), N("Hall"), N("Harris"),
        N("Hughes"), N("Jackson"), N("Johnson"), N("Kelly"), N("Khan"), N("Kim"), N("Kowalski"),
        N("Lee"), N("Lewis"), N("Lopez"), N("Martin"), N("Martinez"), N("Mitchell"), N("Morales"),
        N("Murphy"), N("Nguyen"), NA("O'Brien", "obrien"), N("Okafor"), N("Olsen"), N("Patel"),
        N("Perez"), N("Peterson"), N("Phillips"), N("Ramirez"), N("Reed"), N("Reyes"),
        N("Richardson"), N("Rivera"), N("Roberts"), N("Robinson"), N("Rodriguez"), N("Ross"),
        N("Sanchez"), N("Schmidt"), N("Scott"), N("Singh"), N("Smith"), N("Stewart"),
        N("Sullivan"), N("Taylor"), N("Thomas"), N("Torres"), N("Tran"), N("Turner"), N("Walker"),
        N("Ward"), N("Washington"), N("White"), N("Williams"), N("Wilson"), N("Wright"), N("Young"),
        NA("Van der Berg", "vanderberg"), NA("Smith-Jones", "smithjones"),
};
const size_t schoolgen_n_last_names = sizeof schoolgen_last_names / sizeof schoolgen_last_names[0];

/* The 2026-27 district calendar. Labor Day (2026-09-07) falls before the first day. */
const struct schoolgen_calendar_entry schoolgen_calendar[] = {
        { "2026-10-12", NULL, CALENDAR_CLOSED, NULL, NULL, "Indigenous Peoples' Day" },
        { "2026-10-22", NULL, CALENDAR_EARLY_RELEASE, NULL, "12:30", "Parent-teacher conferences" },
        { "2026-10-30", NULL, CALENDAR_BLOCKED, "13:30", "14:30", "Fall assembly" },
        { "2026-11-11", NULL, CALENDAR_BLOCKED, "09:00", "10:00", "Veterans Day assembly" },
        { "2026-11-25", "2026-11-27", CALENDAR_CLOSED, NULL, NULL, "Thanksgiving break" },
        { "2026-12-18", NULL, CALENDAR_EARLY_RELEASE, NULL, "12:30", "Early release, winter break" },
        { "2026-12-21", "2027-01-01", CALENDAR_CLOSED, NULL, NULL, "Winter break" },
        { "2027-01-18", NULL, CALENDAR_CLOSED, NULL, NULL, "Martin Luther King Jr. Day" },
        { "2027-02-15", NULL, CALENDAR_CLOSED, NULL, NULL, "Presidents' Day" },
        { "2027-03-22", "2027-03-26", CALENDAR_CLOSED, NULL, NULL, "Spring break" },
        { "2027-04-20", NULL, CALENDAR_BLOCKED, "08:15", "11:30", "State reading test, grades 3-5" },
        { "2027-05-31", NULL, CALENDAR_CLOSED, NULL, NULL, "Memorial Day" },
        { "2027-06-04", NULL, CALENDAR_EARLY_RELEASE, NULL, "12:00", "Last day of school" },
};
const size_t schoolgen_n_calendar = sizeof schoolgen_calendar / sizeof schoolgen_calendar[0];
