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

/* Whether the caller of message may read and change the school's data: root or a member of
 * BUS_ACCESS_GROUP. 0, or <0 with error set (AccessDenied). */
static int check_access(sd_bus_message *message, sd_bus_error *error) {
        /* Only what the bus daemon vouches for (its SO_PEERCRED/SO_PEERGROUPS view of the caller)
         * decides. No SD_BUS_CREDS_AUGMENT: it would fill the gaps from /proc/PID, which races
         * with PID reuse and which ProtectProc=invisible hides from the sandboxed daemon anyway
         * (sd-bus then fails the whole query). Should a transport still hand over augmented
         * fields, sd_bus_creds_get_augmented_mask() masks them out of every decision below. */
        sd_bus_creds *creds = NULL;
        uint64_t vouched;
        uid_t uid = (uid_t)-1;
        const gid_t *gids = NULL;
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
         * UnixUserID, which sd-bus 252 files as the euid. It does not pass the groups on, so
         * membership comes from the user database, as dbus-daemon's <policy group=> does. */
        if ((vouched & SD_BUS_CREDS_EUID) && sd_bus_creds_get_euid(creds, &uid) >= 0)
                known = true;
        else if ((vouched & SD_BUS_CREDS_UID) && sd_bus_creds_get_uid(creds, &uid) >= 0)
                known = true;
        if (known && uid == 0)
                allowed = true;

        if (known && !allowed && access_group_gid(&group_gid) >= 0) {
                if (vouched & SD_BUS_CREDS_SUPPLEMENTARY_GIDS) {
                        int n = sd_bus_creds_get_supplementary_gids(creds, &gids);
                        for (int i = 0; i < n && !allowed; i++)
                                allowed = gids[i] == group_gid;
                        /* dbus-daemon lists the process's groups; the primary group of a user
                         * created with -g pullout is only in the user database. */
                        if (!allowed)
                                allowed = user_in_group(uid, group_gid);
                } else {
                        allowed = user_in_group(uid, group_gid);
                }
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
