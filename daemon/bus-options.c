/* bus-options.c: the one reader of a{sv} option arguments (Solve, Sessions, LogSession,
 * Progress): every key known, every variant of the type its option takes, and a refusal
 * that names the key and the type otherwise. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "bus.h"

static const char *type_name(const char *type) {
        static const struct {
                const char *type, *name;
        } names[] = {
                { "s", "a string" },           { "b", "a boolean" },
                { "u", "an unsigned integer" }, { "i", "an integer" },
                { "x", "a 64-bit integer" },   { "t", "an unsigned 64-bit integer" },
                { "d", "a number (double)" },  { "as", "an array of strings" },
                { "au", "an array of unsigned integers" }, { "a{say}", "a map of file names to contents" },
        };
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
                if (strcmp(names[i].type, type) == 0)
                        return names[i].name;
        return "a value";
}

/* "time_limit, seed, fresh" */
static void key_list(const struct bus_option *options, size_t n, char *buf, size_t size) {
        size_t used = 0;
        buf[0] = '\0';
        for (size_t i = 0; i < n && used < size; i++)
                used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", options[i].key);
}

static int read_value(sd_bus_message *message, const struct bus_option *option) {
        switch (option->type[0]) {
        case 's':
                return sd_bus_message_read(message, "v", "s", (const char **)option->value);
        case 'b':
                return sd_bus_message_read(message, "v", "b", (int *)option->value);
        case 'u':
                return sd_bus_message_read(message, "v", "u", (uint32_t *)option->value);
        case 'i':
                return sd_bus_message_read(message, "v", "i", (int32_t *)option->value);
        case 'x':
                return sd_bus_message_read(message, "v", "x", (int64_t *)option->value);
        case 't':
                return sd_bus_message_read(message, "v", "t", (uint64_t *)option->value);
        case 'd':
                return sd_bus_message_read(message, "v", "d", (double *)option->value);
        default:
                return -EINVAL; /* a table without a reader for its array type: a bug */
        }
}

int bus_read_options(sd_bus_message *message, const char *what, const struct bus_option *options, size_t n,
                     void *userdata, sd_bus_error *error) {
        int r = sd_bus_message_enter_container(message, 'a', "{sv}");
        if (r < 0)
                return r;
        while ((r = sd_bus_message_enter_container(message, 'e', "sv")) > 0) {
                const char *key, *contents = NULL;
                char type = 0;
                if ((r = sd_bus_message_read(message, "s", &key)) < 0)
                        return r;
                const struct bus_option *option = NULL;
                for (size_t i = 0; i < n && !option; i++)
                        if (strcmp(options[i].key, key) == 0)
                                option = &options[i];
                if (!option) {
                        char keys[256];
                        key_list(options, n, keys, sizeof keys);
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT, "unknown %s option \"%.32s\" (%s)",
                                                 what, key, keys);
                }
                if ((r = sd_bus_message_peek_type(message, &type, &contents)) < 0)
                        return r;
                if (type != SD_BUS_TYPE_VARIANT || !contents || strcmp(contents, option->type) != 0)
                        return sd_bus_error_setf(error, BUS_ERROR_INVALID_ARGUMENT,
                                                 "%s option \"%s\" takes %s (D-Bus type %s), not type %.16s", what,
                                                 option->key, type_name(option->type), option->type,
                                                 contents ? contents : "?");
                r = option->read ? option->read(message, key, userdata, error) : read_value(message, option);
                if (r < 0)
                        return r;
                if (option->given)
                        *option->given = true;
                if ((r = sd_bus_message_exit_container(message)) < 0)
                        return r;
        }
        if (r < 0)
                return r;
        return sd_bus_message_exit_container(message);
}
