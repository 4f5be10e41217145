/* bus-access.c: who may call pulloutd on the system bus: root and the group pullout. The bus
 * policy says so too; the daemon checks again from the sender's credentials (defence in depth).
 * (No daemon.h here: the model's struct group would clash with <grp.h>'s.) */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bus.h"
#include "log.h"

/* Lookups of the user database: bounded buffers, retried larger on ERANGE. */
#define NSS_BUFFER_MAX (1024 * 1024)
#define GROUPS_MAX 4096

/* The gid of BUS_ACCESS_GROUP; -ENOENT when the group does not exist (then only root). Looked
 * up on every call, so a group created after the daemon started counts. */
static int access_group_gid(gid_t *ret_gid) {
        size_t size = 4096;
        int r;
        for (;;) {
                struct group entry, *found = NULL;
                char *buffer = malloc(size);
                if (!buffer)
                        return -ENOMEM;
                r = getgrnam_r(BUS_ACCESS_GROUP, &entry, buffer, size, &found);
                if (r == 0 && found)
                        *ret_gid = found->gr_gid;
                free(buffer);
                if (r == ERANGE && size < NSS_BUFFER_MAX) {
                        size *= 2;
                        continue;
                }
                if (r != 0)
                        return -r;
                return found ? 0 : -ENOENT;
        }
}

/* Whether uid's user, by the user database, is in gid (as primary or supplementary group).
 * Used when the bus does not vouch for the caller's groups (dbus-broker, older dbus-daemon):
 * this is what dbus-daemon's own <policy group=...> rules fall back to as well. */
static bool user_in_group(uid_t uid, gid_t gid) {
        size_t size = 4096;
        bool member = false;
        for (;;) {
                struct passwd entry, *found = NULL;
                char *buffer = malloc(size);
                if (!buffer)
                        return false;
                int r = getpwuid_r(uid, &entry, buffer, size, &found);
                if (r == ERANGE && size < NSS_BUFFER_MAX) {
                        free(buffer);
                        size *= 2;
                        continue;
                }
                if (r == 0 && found) {
                        if (found->pw_gid == gid) {
                                member = true;
                        } else {
                                gid_t groups[GROUPS_MAX];
                                int n = GROUPS_MAX;
                                if (getgrouplist(found->pw_name, found->pw_gid, groups, &n) >= 0)
                                        for (int i = 0; i < n && !member; i++)
                                                member = groups[i] == gid;
                        }
                }
                free(buffer);
                return member;
        }
}

/* The groups the calling process holds, as the bus daemon saw them when it connected
 * (SO_PEERGROUPS): from the sender's credentials when sd-bus has them, else from the bus
 * driver's GetConnectionCredentials ("UnixGroupIDs", dbus-daemon >= 1.12 and dbus-broker),
 * which sd-bus 252 asks but does not read. 1 and the malloc'd list, 0 when the bus cannot
 * tell, <0 on failure. */
static int caller_groups(sd_bus_message *message, sd_bus_creds *creds, uint64_t vouched, gid_t **ret_gids,
                         int *ret_n) {
        if (vouched & SD_BUS_CREDS_SUPPLEMENTARY_GIDS) {
                const gid_t *gids = NULL;
                int n = sd_bus_creds_get_supplementary_gids(creds, &gids);
                if (n < 0)
                        return n;
                gid_t *copy = malloc(((size_t)n + 1) * sizeof *copy);
                if (!copy)
                        return -ENOMEM;
                if (n > 0)
                        memcpy(copy, gids, (size_t)n * sizeof *copy);
                *ret_gids = copy;
                *ret_n = n;
                return 1;
        }
        sd_bus_message *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        gid_t *gids = NULL;
        int n = 0, found = 0;
        int r = sd_bus_call_method(sd_bus_message_get_bus(message), "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                   "org.freedesktop.DBus", "GetConnectionCredentials", &error, &reply, "s",
                                   sd_bus_message_get_sender(message));
        if (r < 0)
                goto out;
        if ((r = sd_bus_message_enter_container(reply, 'a', "{sv}")) < 0)
                goto out;
        while ((r = sd_bus_message_enter_container(reply, 'e', "sv")) > 0) {
                const char *key;
                if ((r = sd_bus_message_read(reply, "s", &key)) < 0)
                        goto out;
                if (strcmp(key, "UnixGroupIDs") == 0) {
                        const void *array;
                        size_t size;
                        if ((r = sd_bus_message_enter_container(reply, 'v', "au")) < 0 ||
                            (r = sd_bus_message_read_array(reply, 'u', &array, &size)) < 0 ||
                            (r = sd_bus_message_exit_container(reply)) < 0)
                                goto out;
                        n = (int)(size / sizeof(uint32_t));
                        free(gids);
                        if (!(gids = malloc(((size_t)n + 1) * sizeof *gids))) {
                                r = -ENOMEM;
                                goto out;
                        }
                        for (int i = 0; i < n; i++)
                                gids[i] = (gid_t)((const uint32_t *)array)[i];
                        found = 1;
                } else if ((r = sd_bus_message_skip(reply, "v")) < 0) {
                        goto out;
                }
                if ((r = sd_bus_message_exit_container(reply)) < 0)
                        goto out;
        }
out:
        sd_bus_message_unref(reply);
        sd_bus_error_free(&error);
        if (r < 0) {
                free(gids);
                return r;
        }
        *ret_gids = gids;
        *ret_n = n;
        return found;
}

/* Whether the caller of message may read and change the school's data: root or a process that
 * holds BUS_ACCESS_GROUP. 0, or <0 with error set (AccessDenied). */
static int check_access(sd_bus_message *message, sd_bus_error *error) {
        /* Only what the bus daemon vouches for (its SO_PEERCRED/SO_PEERGROUPS view of the caller)
         * decides. No SD_BUS_CREDS_AUGMENT: it would fill the gaps from /proc/PID, which races
         * with PID reuse and which ProtectProc=invisible hides from the sandboxed daemon anyway
         * (sd-bus then fails the whole query). Should a transport still hand over augmented
         * fields, sd_bus_creds_get_augmented_mask() masks them out of every decision below. */
        sd_bus_creds *creds = NULL;
        uint64_t vouched;
        uid_t uid = (uid_t)-1;
        gid_t *gids = NULL;
        int n_gids = 0;
        pid_t pid = 0;
        gid_t group_gid = (gid_t)-1;
        bool allowed = false, known = false;
        int r = sd_bus_query_sender_creds(message,
                                          SD_BUS_CREDS_UID | SD_BUS_CREDS_EUID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS |
                                                  SD_BUS_CREDS_PID,
                                          &creds);
        if (r < 0) {
                log_warning("bus: cannot identify the sender of %s: %s", sd_bus_message_get_member(message),
                            strerror(-r));
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                         "pulloutd cannot identify the caller (%s); access refused", strerror(-r));
        }
        vouched = sd_bus_creds_get_mask(creds) & ~sd_bus_creds_get_augmented_mask(creds);
        log_debug("bus: %s from %s: credentials 0x%llx, from the bus 0x%llx", sd_bus_message_get_member(message),
                  sd_bus_message_get_sender(message), (unsigned long long)sd_bus_creds_get_mask(creds),
                  (unsigned long long)vouched);

        /* dbus-daemon reports the connecting process's effective uid (SO_PEERCRED) as
         * UnixUserID, which sd-bus 252 files as the euid. */
        if ((vouched & SD_BUS_CREDS_EUID) && sd_bus_creds_get_euid(creds, &uid) >= 0)
                known = true;
        else if ((vouched & SD_BUS_CREDS_UID) && sd_bus_creds_get_uid(creds, &uid) >= 0)
                known = true;
        if (known && uid == 0)
                allowed = true;

        if (known && !allowed && access_group_gid(&group_gid) >= 0) {
                /* The groups the process holds decide, not the ones the user database lists:
                 * a member whose process dropped the group is out, a process that holds it is
                 * in. Only a bus that cannot tell falls back to the user database (as
                 * dbus-daemon's own <policy group=> rules do). */
                r = caller_groups(message, creds, vouched, &gids, &n_gids);
                if (r > 0) {
                        for (int i = 0; i < n_gids && !allowed; i++)
                                allowed = gids[i] == group_gid;
                } else {
                        if (r < 0)
                                log_warning("bus: cannot ask the bus for the groups of %s: %s",
                                            sd_bus_message_get_sender(message), strerror(-r));
                        log_debug("bus: the bus does not say which groups uid %u holds: using the user database",
                                  (unsigned)uid);
                        allowed = user_in_group(uid, group_gid);
                }
                free(gids);
        }

        if (!allowed) {
                (void)sd_bus_creds_get_pid(creds, &pid);
                if (known)
                        log_info("bus: refused %s to uid %u (pid %d): not root nor in group %s",
                                 sd_bus_message_get_member(message), (unsigned)uid, (int)pid, BUS_ACCESS_GROUP);
                else
                        log_warning("bus: refused %s: the bus did not say who is calling",
                                    sd_bus_message_get_member(message));
        }
        sd_bus_creds_unref(creds);
        if (!allowed)
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                         "student records are only for root and members of the group '%s' "
                                         "(ask your administrator: usermod -aG %s USER, then log in again)",
                                         BUS_ACCESS_GROUP, BUS_ACCESS_GROUP);
        return 0;
}

/* What anyone on the system bus may send: introspection, Peer, reading properties, Status.
 * The same list as the default context of org.pullout.Scheduler1.conf. */
static bool bus_open_to_all(sd_bus_message *message) {
        const char *interface = sd_bus_message_get_interface(message);
        const char *member = sd_bus_message_get_member(message);
        if (!interface || !member)
                return false; /* a call without an interface could reach any method of that name */
        if (strcmp(interface, "org.freedesktop.DBus.Introspectable") == 0 ||
            strcmp(interface, "org.freedesktop.DBus.Peer") == 0)
                return true;
        if (strcmp(interface, "org.freedesktop.DBus.Properties") == 0)
                return strcmp(member, "Get") == 0 || strcmp(member, "GetAll") == 0;
        if (strcmp(interface, BUS_INTERFACE) == 0)
                return strcmp(member, "Status") == 0;
        return false;
}

/* Runs before any vtable sees the message: every method call but the open ones must pass
 * check_access(), whichever interface file defines it, including methods added later. This is
 * the one access check: no method repeats it. */
static int bus_access_filter(sd_bus_message *message, void *userdata, sd_bus_error *unused_error) {
        sd_bus_error error = SD_BUS_ERROR_NULL;
        if (!sd_bus_message_is_method_call(message, NULL, NULL) || bus_open_to_all(message))
                return 0;
        if (check_access(message, &error) >= 0)
                return 0;
        int r = sd_bus_reply_method_error(message, &error);
        sd_bus_error_free(&error);
        if (r < 0)
                log_warning("bus: cannot send the refusal: %s", strerror(-r));
        return 1; /* handled: no method runs */
}

int bus_access_install(sd_bus *bus, bool user_mode) {
        if (user_mode)
                return 0; /* the session bus is one person's own */
        return sd_bus_add_filter(bus, NULL, bus_access_filter, NULL);
}
