/* bus-access.c: who may call pulloutd on the system bus: root and the group pullout. The bus
 * policy says so too; the daemon checks again from the sender's credentials (defence in depth). */
#include <grp.h>
#include <stdbool.h>
#include <string.h>

#include "bus.h"

int bus_check_access(bool user_mode, sd_bus_message *message, sd_bus_error *error) {
        if (user_mode)
                return 0; /* the session bus is one person's own */
        _Static_assert(sizeof(uid_t) == sizeof(unsigned), "uid_t");
        sd_bus_creds *creds = NULL;
        int r = sd_bus_query_sender_creds(message, SD_BUS_CREDS_EUID | SD_BUS_CREDS_SUPPLEMENTARY_GIDS |
                                                           SD_BUS_CREDS_EGID | SD_BUS_CREDS_AUGMENT, &creds);
        if (r < 0)
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                         "cannot identify the caller: %s", strerror(-r));
        uid_t uid;
        gid_t egid;
        const gid_t *gids = NULL;
        bool allowed = false;
        if (sd_bus_creds_get_euid(creds, &uid) >= 0 && uid == 0)
                allowed = true;
        gid_t pullout_gid;
        struct group *grp = getgrnam("pullout");
        if (!allowed && grp) {
                pullout_gid = grp->gr_gid;
                if (sd_bus_creds_get_egid(creds, &egid) >= 0 && egid == pullout_gid)
                        allowed = true;
                int n = sd_bus_creds_get_supplementary_gids(creds, &gids);
                for (int i = 0; !allowed && i < n; i++)
                        if (gids[i] == pullout_gid)
                                allowed = true;
        }
        sd_bus_creds_unref(creds);
        if (!allowed)
                return sd_bus_error_setf(error, BUS_ERROR_ACCESS_DENIED,
                                         "student records are only for root and members of the group "
                                         "'pullout' (ask your administrator: usermod -aG pullout USER)");
        return 0;
}

