/* call.c: the CLI's one way to the daemon: find the bus it lives on, call a method, print
 * its error as the daemon wrote it. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli/pullout.h"

static bool name_owned(sd_bus *bus) {
        sd_bus_message *reply = NULL;
        int owned = 0;
        if (sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", NULL, &reply, "s", BUS_NAME) >= 0)
                sd_bus_message_read(reply, "b", &owned);
        sd_bus_message_unref(reply);
        return owned;
}

sd_bus *cli_bus(struct cli *cli) {
        if (cli->bus)
                return cli->bus;
        int r;
        switch (cli->bus_choice) {
        case BUS_USER:
                r = sd_bus_open_user(&cli->bus);
                break;
        case BUS_SYSTEM:
                r = sd_bus_open_system(&cli->bus);
                break;
        default:
                /* The user's own daemon when it runs, else the system's. */
                r = sd_bus_open_user(&cli->bus);
                if (r >= 0 && name_owned(cli->bus))
                        return cli->bus;
                cli->bus = sd_bus_flush_close_unref(cli->bus);
                r = sd_bus_open_system(&cli->bus);
                break;
        }
        if (r < 0) {
                fprintf(stderr, "pullout: cannot connect to the %s bus: %s\n",
                        cli->bus_choice == BUS_USER ? "session" : "system", strerror(-r));
                cli->bus = NULL;
        }
        return cli->bus;
}

static int report_error(const sd_bus_error *error, int r) {
        if (sd_bus_error_has_names(error, "org.freedesktop.DBus.Error.ServiceUnknown",
                                   "org.freedesktop.DBus.Error.NameHasNoOwner"))
                fprintf(stderr, "pullout: pulloutd is not running (start it with `systemctl start pulloutd`, "
                                "or `pulloutd --user` for yourself)\n");
        else if (sd_bus_error_has_name(error, "org.freedesktop.DBus.Error.AccessDenied"))
                /* The system bus's policy refused before pulloutd saw the call: its message is
                 * a dump of the match rules, not something a person can act on. */
                fprintf(stderr, "pullout: access denied: on the system bus only root and members of the group "
                                "'pullout' may do this (ask your administrator: usermod -aG pullout USER, "
                                "then log in again)\n");
        else if (sd_bus_error_is_set(error) && error->message)
                fprintf(stderr, "pullout: %s\n", error->message);
        else
                fprintf(stderr, "pullout: %s\n", strerror(-r));
        return EXIT_DAEMON_ERROR;
}

int cli_new_call(struct cli *cli, const char *method, sd_bus_message **ret_message) {
        sd_bus *bus = cli_bus(cli);
        if (!bus)
                return EXIT_DAEMON_ERROR;
        int r = sd_bus_message_new_method_call(bus, ret_message, BUS_NAME, BUS_PATH, BUS_INTERFACE, method);
        if (r < 0) {
                fprintf(stderr, "pullout: %s: %s\n", method, strerror(-r));
                return EXIT_DAEMON_ERROR;
        }
        return 0;
}

int cli_send(struct cli *cli, sd_bus_message *message, uint64_t timeout_usec, sd_bus_message **ret_reply) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        int r = sd_bus_call(cli_bus(cli), message, timeout_usec, &error, ret_reply);
        if (r < 0) {
                r = report_error(&error, r);
                sd_bus_error_free(&error);
                return r;
        }
        return 0;
}

int cli_call(struct cli *cli, const char *method, uint64_t timeout_usec, sd_bus_message **ret_reply,
             const char *types, ...) {
        sd_bus_message *message = NULL;
        int r = cli_new_call(cli, method, &message);
        if (r != 0)
                return r;
        if (types && *types) {
                va_list ap;
                va_start(ap, types);
                r = sd_bus_message_appendv(message, types, ap);
                va_end(ap);
                if (r < 0) {
                        fprintf(stderr, "pullout: %s: cannot build the call: %s\n", method, strerror(-r));
                        sd_bus_message_unref(message);
                        return EXIT_DAEMON_ERROR;
                }
        }
        r = cli_send(cli, message, timeout_usec, ret_reply);
        sd_bus_message_unref(message);
        return r;
}

int cli_reply_json(sd_bus_message *reply, struct json_object **ret_json) {
        const char *text;
        int r = sd_bus_message_read(reply, "s", &text);
        if (r < 0) {
                fprintf(stderr, "pullout: unexpected reply from pulloutd: %s\n", strerror(-r));
                return EXIT_DAEMON_ERROR;
        }
        struct json_object *document = json_tokener_parse(text);
        if (!document) {
                fprintf(stderr, "pullout: pulloutd sent a reply that is not JSON\n");
                return EXIT_DAEMON_ERROR;
        }
        *ret_json = document;
        return 0;
}

int cli_call_json(struct cli *cli, const char *method, uint64_t timeout_usec, struct json_object **ret_json,
                  const char *types, ...) {
        sd_bus_message *message = NULL;
        int r = cli_new_call(cli, method, &message);
        if (r != 0)
                return r;
        if (types && *types) {
                va_list ap;
                va_start(ap, types);
                int a = sd_bus_message_appendv(message, types, ap);
                va_end(ap);
                if (a < 0) {
                        fprintf(stderr, "pullout: %s: cannot build the call: %s\n", method, strerror(-a));
                        sd_bus_message_unref(message);
                        return EXIT_DAEMON_ERROR;
                }
        }
        r = cli_send_json(cli, message, timeout_usec, ret_json);
        sd_bus_message_unref(message);
        return r;
}

int cli_send_json(struct cli *cli, sd_bus_message *message, uint64_t timeout_usec, struct json_object **ret_json) {
        sd_bus_message *reply = NULL;
        int r = cli_send(cli, message, timeout_usec, &reply);
        if (r == 0)
                r = cli_reply_json(reply, ret_json);
        sd_bus_message_unref(reply);
        return r;
}

int cli_student_id(struct cli *cli, const char *text, char id[static CLI_STUDENT_ID_MAX]) {
        sd_bus_message *message = NULL, *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        const char *found = text;
        int r = cli_new_call(cli, "FindStudent", &message);
        if (r != 0)
                return r;
        if ((r = sd_bus_message_append(message, "s", text)) >= 0)
                r = sd_bus_call(cli_bus(cli), message, 0, &error, &reply);
        sd_bus_message_unref(message);
        if (r < 0 && !sd_bus_error_has_name(&error, "org.pullout.Error.NotFound")) {
                r = report_error(&error, r);
                sd_bus_error_free(&error);
                return r;
        }
        /* Not in the data set: the text goes on as an id, so the records of a student who left
         * stay reachable and the command says itself what it does not know. */
        sd_bus_error_free(&error);
        if (reply && sd_bus_message_read(reply, "s", &found) < 0) {
                fprintf(stderr, "pullout: unexpected reply from pulloutd\n");
                sd_bus_message_unref(reply);
                return EXIT_DAEMON_ERROR;
        }
        snprintf(id, CLI_STUDENT_ID_MAX, "%s", found);
        sd_bus_message_unref(reply);
        return 0;
}
