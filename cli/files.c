/* files.c: the CLI reads the caller's files itself, with the caller's rights, and sends their
 * bytes: the daemon never opens a path a caller names. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/pullout.h"

int read_whole_file(int dirfd, const char *path, const char *shown, size_t max, const char *who, char **ret_data,
                    size_t *ret_size) {
        int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
                fprintf(stderr, "%s: %s: %s\n", who, shown, strerror(errno));
                if (fd >= 0)
                        close(fd);
                return -1;
        }
        if (!S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
                if (S_ISREG(st.st_mode))
                        fprintf(stderr, "%s: %s: larger than %zu MiB\n", who, shown, max >> 20);
                else
                        fprintf(stderr, "%s: %s: not a regular file\n", who, shown);
                close(fd);
                return -1;
        }
        char *data = malloc((size_t)st.st_size + 1);
        size_t got = 0;
        while (data && got < (size_t)st.st_size) {
                ssize_t n = read(fd, data + got, (size_t)st.st_size - got);
                if (n <= 0)
                        break;
                got += (size_t)n;
        }
        close(fd);
        if (!data || got != (size_t)st.st_size) {
                fprintf(stderr, "%s: %s: cannot read\n", who, shown);
                free(data);
                return -1;
        }
        data[got] = '\0';
        *ret_data = data;
        *ret_size = got;
        return 0;
}
