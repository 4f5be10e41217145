/* bus-students.c: FindStudent, the one lookup that turns what a person typed (an id, a name or
 * a part of one) into a student id, so that clients never need the school's names. The access
 * filter lets only authorized callers reach it, as every method but Status. */
#include <errno.h>
#include <string.h>

#include "bus.h"
#include "daemon.h"
#include "import/import.h"
#include "service/student-lookup.h"

static int method_find_student(sd_bus_message *message, void *userdata, sd_bus_error *error) {
        const char *text;
        char why[WHY_MAX] = "", id[IMPORT_MAX_ID_BYTES + 1];
        int r;
        if ((r = sd_bus_message_read(message, "s", &text)) < 0)
                return r;
        if ((r = bus_check_text(text, "\"id_or_name\"", 256, false, error)) < 0)
                return r;
        r = student_lookup(userdata, text, id, sizeof id, why);
        if (r < 0)
                return bus_error_from_errno(error, r, why);
        return sd_bus_reply_method_return(message, "s", id);
}

static const sd_bus_vtable students_vtable[] = {
        SD_BUS_VTABLE_START(0),
        SD_BUS_METHOD_WITH_ARGS("FindStudent", SD_BUS_ARGS("s", id_or_name), SD_BUS_RESULT("s", student_id),
                                method_find_student, SD_BUS_VTABLE_UNPRIVILEGED),
        SD_BUS_VTABLE_END,
};

int bus_students_register(struct daemon *daemon) {
        return sd_bus_add_object_vtable(daemon->bus->connection, NULL, BUS_PATH, BUS_INTERFACE, students_vtable, daemon);
}
