/* harness.c: a private dbus-daemon, the real pulloutd on it, and the real pullout run as a
 * person would. Children die with the test (PR_SET_PDEATHSIG) even when an assertion fails. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <json-c/json.h>
#include <pwd.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

static const char *env_or(const char *name, const char *fallback) {
        const char *value = getenv(name);
        return value && *value ? value : fallback;
}

const char *harness_pulloutd(void) {
        return env_or("PULLOUTD", "build/pulloutd");
}

const char *harness_pullout_path(void) {
        return env_or("PULLOUT", "build/pullout");
}

const char *harness_gen_school(void) {
        return env_or("GEN_SCHOOL", "build/pullout-gen-school");
}

const char *harness_source(void) {
        return env_or("PULLOUT_SOURCE", ".");
}

char *harness_read_file(const char *path) {
        FILE *file = fopen(path, "re");
        if (!file)
                return NULL;
        char *data = NULL;
        size_t size = 0;
        FILE *mem = open_memstream(&data, &size);
        char buf[65536];
        size_t n;
        while ((n = fread(buf, 1, sizeof buf, file)) > 0)
                fwrite(buf, 1, n, mem);
        fclose(mem);
        fclose(file);
        return data;
}

static void write_file(const char *path, const char *text) {
        FILE *file = fopen(path, "we");
        ck_assert_msg(file, "cannot write %s", path);
        fputs(text, file);
        fclose(file);
}

static int free_port(void) {
        int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
        socklen_t len = sizeof addr;
        ck_assert_int_ge(fd, 0);
        ck_assert_int_eq(bind(fd, (struct sockaddr *)&addr, sizeof addr), 0);
        ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&addr, &len), 0);
        close(fd);
        return ntohs(addr.sin_port);
}

static void launch_dbus(struct harness *h, const char *config) {
        int pipefd[2];
        ck_assert_int_eq(pipe(pipefd), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                close(pipefd[0]);
                char config_arg[600], fd_arg[32], log[400];
                /* Its complaints (fd limits, refused calls) go to a log, not the test output. */
                snprintf(log, sizeof log, "%s/dbus-daemon.log", h->dir);
                int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
                if (fd >= 0)
                        dup2(fd, STDERR_FILENO);
                snprintf(config_arg, sizeof config_arg, "--config-file=%s", config);
                snprintf(fd_arg, sizeof fd_arg, "--print-address=%d", pipefd[1]);
                execlp("dbus-daemon", "dbus-daemon", config_arg, "--nofork", fd_arg, (char *)NULL);
                _exit(127);
        }
        close(pipefd[1]);
        h->bus_pid = pid;
        ssize_t n = read(pipefd[0], h->bus_address, sizeof h->bus_address - 1);
        close(pipefd[0]);
        ck_assert_msg(n > 0, "dbus-daemon did not start (is the dbus package installed?)");
        h->bus_address[n] = '\0';
        h->bus_address[strcspn(h->bus_address, "\n")] = '\0';
}

static void make_test_dir(struct harness *h) {
        memset(h, 0, sizeof *h);
        snprintf(h->dir, sizeof h->dir, "%s/pullout-test-XXXXXX", env_or("TMPDIR", "/tmp"));
        ck_assert_msg(mkdtemp(h->dir), "mkdtemp: %s", strerror(errno));
        snprintf(h->db, sizeof h->db, "%s/pullout.db", h->dir);
        h->http_port = free_port();
}

void harness_start_bus(struct harness *h) {
        make_test_dir(h);
        char config[512], text[2048];
        snprintf(config, sizeof config, "%s/bus.conf", h->dir);
        snprintf(text, sizeof text,
                 "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                 " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                 "<busconfig>\n"
                 "  <type>session</type>\n"
                 "  <listen>unix:path=%s/bus</listen>\n"
                 "  <auth>EXTERNAL</auth>\n"
                 "  <policy context=\"default\">\n"
                 "    <allow send_destination=\"*\" eavesdrop=\"true\"/>\n"
                 "    <allow eavesdrop=\"true\"/>\n"
                 "    <allow own=\"*\"/>\n"
                 "  </policy>\n"
                 "</busconfig>\n",
                 h->dir);
        write_file(config, text);
        launch_dbus(h, config);
}

bool harness_can_switch_users(void) {
        return geteuid() == 0;
}

void harness_start_system_bus(struct harness *h, const char *policy) {
        make_test_dir(h);
        h->system_bus = true;
        /* Other users reach the socket, the installed programs and the data set in here. */
        ck_assert_int_eq(chmod(h->dir, 0755), 0);
        char state[400];
        snprintf(state, sizeof state, "%s/state", h->dir);
        ck_assert_int_eq(mkdir(state, 0700), 0);
        snprintf(h->db, sizeof h->db, "%s/pullout.db", state);

        char config[512], text[4096], rules[1024];
        if (policy)
                snprintf(rules, sizeof rules, "  <include>%s</include>\n", policy);
        else
                snprintf(rules, sizeof rules,
                         "  <policy context=\"default\">\n"
                         "    <allow own=\"*\"/>\n"
                         "    <allow send_destination=\"*\"/>\n"
                         "    <allow send_type=\"method_call\"/>\n"
                         "  </policy>\n");
        snprintf(config, sizeof config, "%s/system-bus.conf", h->dir);
        /* The default context of Debian's /usr/share/dbus-1/system.conf. */
        snprintf(text, sizeof text,
                 "<!DOCTYPE busconfig PUBLIC \"-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN\"\n"
                 " \"http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd\">\n"
                 "<busconfig>\n"
                 "  <type>system</type>\n"
                 "  <listen>unix:path=%s/system_bus_socket</listen>\n"
                 "  <auth>EXTERNAL</auth>\n"
                 "  <policy context=\"default\">\n"
                 "    <allow user=\"*\"/>\n"
                 "    <deny own=\"*\"/>\n"
                 "    <deny send_type=\"method_call\"/>\n"
                 "    <allow send_type=\"signal\"/>\n"
                 "    <allow send_requested_reply=\"true\" send_type=\"method_return\"/>\n"
                 "    <allow send_requested_reply=\"true\" send_type=\"error\"/>\n"
                 "    <allow receive_type=\"method_call\"/>\n"
                 "    <allow receive_type=\"method_return\"/>\n"
                 "    <allow receive_type=\"error\"/>\n"
                 "    <allow receive_type=\"signal\"/>\n"
                 "    <allow send_destination=\"org.freedesktop.DBus\" send_interface=\"org.freedesktop.DBus\"/>\n"
                 "    <allow send_destination=\"org.freedesktop.DBus\"\n"
                 "           send_interface=\"org.freedesktop.DBus.Introspectable\"/>\n"
                 "    <allow send_destination=\"org.freedesktop.DBus\"\n"
                 "           send_interface=\"org.freedesktop.DBus.Properties\"/>\n"
                 "  </policy>\n"
                 "%s"
                 "</busconfig>\n",
                 h->dir, rules);
        write_file(config, text);
        launch_dbus(h, config);
}

/* Becomes user, with the user's groups from the user database, as login would. */
static void switch_user(const char *user) {
        struct passwd *pw = getpwnam(user);
        if (!pw || initgroups(user, pw->pw_gid) < 0 || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
                fprintf(stderr, "harness: cannot become %s: %s\n", user, pw ? strerror(errno) : "no such user");
                _exit(126);
        }
        setenv("HOME", "/", 1);
        setenv("USER", user, 1);
        setenv("LOGNAME", user, 1);
        /* A change of credentials clears the parent-death signal: ask again. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
}

static void child_environment(struct harness *h) {
        char path[512];
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        /* Never the machine's own buses. */
        if (h->system_bus) {
                setenv("DBUS_SYSTEM_BUS_ADDRESS", h->bus_address, 1);
                setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/pullout-test", 1);
        } else {
                setenv("DBUS_SESSION_BUS_ADDRESS", h->bus_address, 1);
                setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/pullout-test", 1);
        }
        snprintf(path, sizeof path, "%s/state", h->dir);
        setenv("XDG_STATE_HOME", path, 1);
        snprintf(path, sizeof path, "%s/config", h->dir);
        setenv("XDG_CONFIG_HOME", path, 1);
        snprintf(path, sizeof path, "%s/runtime", h->dir);
        setenv("XDG_RUNTIME_DIR", path, 1);
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
}

static pid_t spawn_daemon(struct harness *h, const char *const *extra_args, const char *stderr_path) {
        const char *argv[48];
        char db_arg[400], listen_arg[64], now_arg[64];
        int n = 0;
        snprintf(db_arg, sizeof db_arg, "--db=%s", h->db);
        snprintf(listen_arg, sizeof listen_arg, "--listen=127.0.0.1:%d", h->http_port);
        argv[n++] = harness_pulloutd();
        argv[n++] = h->system_bus ? "--system" : "--user";
        argv[n++] = db_arg;
        argv[n++] = listen_arg;
        if (h->now[0]) {
                snprintf(now_arg, sizeof now_arg, "--now=%s", h->now);
                argv[n++] = "--clock=manual";
                argv[n++] = now_arg;
        }
        for (int i = 0; extra_args && extra_args[i] && n < 46; i++)
                argv[n++] = extra_args[i];
        argv[n] = NULL;

        if (h->daemon_user[0]) {
                /* The database's folder belongs to the service user, as StateDirectory= makes it. */
                char state[400];
                struct passwd *pw = getpwnam(h->daemon_user);
                ck_assert_msg(pw, "no user %s", h->daemon_user);
                snprintf(state, sizeof state, "%s", h->db);
                *strrchr(state, '/') = '\0';
                ck_assert_int_eq(chown(state, pw->pw_uid, pw->pw_gid), 0);
        }
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                child_environment(h);
                if (h->notify_socket[0])
                        setenv("NOTIFY_SOCKET", h->notify_socket, 1);
                if (h->watchdog_usec[0]) {
                        char own_pid[32];
                        snprintf(own_pid, sizeof own_pid, "%d", (int)getpid());
                        setenv("WATCHDOG_USEC", h->watchdog_usec, 1);
                        setenv("WATCHDOG_PID", own_pid, 1);
                }
                int fd = open(stderr_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
                if (fd >= 0)
                        dup2(fd, STDERR_FILENO);
                if (h->daemon_user[0])
                        switch_user(h->daemon_user);
                execv(argv[0], (char *const *)argv);
                _exit(127);
        }
        return pid;
}

static bool name_owned(struct harness *h) {
        sd_bus *bus = NULL;
        sd_bus_message *reply = NULL;
        int owned = 0;
        if (sd_bus_new(&bus) < 0)
                return false;
        if (sd_bus_set_address(bus, h->bus_address) >= 0 && sd_bus_set_bus_client(bus, 1) >= 0 &&
            sd_bus_start(bus) >= 0 &&
            sd_bus_call_method(bus, "org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                               "NameHasOwner", NULL, &reply, "s", "org.pullout.Scheduler1") >= 0)
                sd_bus_message_read(reply, "b", &owned);
        sd_bus_message_unref(reply);
        sd_bus_flush_close_unref(bus);
        return owned;
}

void harness_start_daemon(struct harness *h, const char *const *extra_args) {
        char log[400];
        snprintf(log, sizeof log, "%s/pulloutd.log", h->dir);
        h->daemon_pid = spawn_daemon(h, extra_args, log);
        for (int i = 0; i < 1000; i++) {
                if (name_owned(h))
                        return;
                int status;
                if (waitpid(h->daemon_pid, &status, WNOHANG) == h->daemon_pid) {
                        char *text = harness_read_file(log);
                        h->daemon_pid = 0;
                        ck_abort_msg("pulloutd exited at start: %s", text ? text : "");
                }
                usleep(10000);
        }
        ck_abort_msg("pulloutd did not own its bus name within 10 s");
}

int harness_run_daemon_to_exit(struct harness *h, const char *const *extra_args, char **ret_err) {
        char log[400];
        snprintf(log, sizeof log, "%s/second.log", h->dir);
        unlink(log);
        pid_t pid = spawn_daemon(h, extra_args, log);
        int status = 0;
        for (int i = 0; i < 1000; i++) {
                if (waitpid(pid, &status, WNOHANG) == pid) {
                        if (ret_err)
                                *ret_err = harness_read_file(log);
                        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                }
                usleep(10000);
        }
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        ck_abort_msg("pulloutd did not exit within 10 s");
        return -1;
}

int harness_wait_daemon(struct harness *h) {
        int status = 0;
        for (int i = 0; h->daemon_pid > 0 && i < 1000; i++) {
                if (waitpid(h->daemon_pid, &status, WNOHANG) == h->daemon_pid) {
                        h->daemon_pid = 0;
                        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                }
                usleep(10000);
        }
        return -1;
}

int harness_stop_daemon(struct harness *h) {
        if (h->daemon_pid <= 0)
                return -1;
        int status = 0;
        kill(h->daemon_pid, SIGTERM);
        for (int i = 0; i < 1000; i++) {
                if (waitpid(h->daemon_pid, &status, WNOHANG) == h->daemon_pid) {
                        h->daemon_pid = 0;
                        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
                }
                usleep(10000);
        }
        kill(h->daemon_pid, SIGKILL);
        waitpid(h->daemon_pid, &status, 0);
        h->daemon_pid = 0;
        return -1;
}

static void remove_tree(const char *path) {
        DIR *d = opendir(path);
        if (!d) {
                unlink(path);
                return;
        }
        struct dirent *entry;
        while ((entry = readdir(d))) {
                if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
                        continue;
                char child[1024];
                snprintf(child, sizeof child, "%s/%s", path, entry->d_name);
                struct stat st;
                if (lstat(child, &st) == 0 && S_ISDIR(st.st_mode))
                        remove_tree(child);
                else
                        unlink(child);
        }
        closedir(d);
        rmdir(path);
}

void harness_stop(struct harness *h) {
        harness_stop_daemon(h);
        if (h->bus_pid > 0) {
                kill(h->bus_pid, SIGTERM);
                waitpid(h->bus_pid, NULL, 0);
                h->bus_pid = 0;
        }
        if (h->dir[0] && !getenv("PULLOUT_KEEP_TEST_DIR"))
                remove_tree(h->dir);
}

pid_t harness_spawn(struct harness *h, const char *const *argv, const char *out_path) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                child_environment(h);
                int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                int null = open("/dev/null", O_RDWR | O_CLOEXEC);
                dup2(null, STDIN_FILENO);
                dup2(out, STDOUT_FILENO);
                dup2(null, STDERR_FILENO);
                execvp(argv[0], (char *const *)argv);
                _exit(127);
        }
        return pid;
}

int harness_command(struct harness *h, char **ret_out, char **ret_err, const char *const *argv) {
        static unsigned counter;
        char out_path[400], err_path[400];
        snprintf(out_path, sizeof out_path, "%s/out.%u", h->dir, counter);
        snprintf(err_path, sizeof err_path, "%s/err.%u", h->dir, counter++);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                child_environment(h);
                int out = open(out_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
                int null = open("/dev/null", O_RDONLY | O_CLOEXEC);
                dup2(null, STDIN_FILENO);
                dup2(out, STDOUT_FILENO);
                dup2(err, STDERR_FILENO);
                if (h->run_as[0])
                        switch_user(h->run_as);
                execvp(argv[0], (char *const *)argv);
                _exit(127);
        }
        int status = 0;
        waitpid(pid, &status, 0);
        if (ret_out)
                *ret_out = harness_read_file(out_path);
        if (ret_err)
                *ret_err = harness_read_file(err_path);
        unlink(out_path);
        unlink(err_path);
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int vpullout(struct harness *h, char **ret_out, char **ret_err, const char **ret_command, va_list ap) {
        static char command[256];
        const char *argv[64];
        int n = 0;
        argv[n++] = harness_pullout_path();
        argv[n++] = h->system_bus ? "--system" : "--user";
        const char *arg;
        command[0] = '\0';
        while ((arg = va_arg(ap, const char *)) && n < 63) {
                argv[n++] = arg;
                if (n <= 4)
                        snprintf(command + strlen(command), sizeof command - strlen(command), " %s", arg);
        }
        argv[n] = NULL;
        if (ret_command)
                *ret_command = command;
        return harness_command(h, ret_out, ret_err, argv);
}

int harness_pullout(struct harness *h, char **ret_out, char **ret_err, ...) {
        va_list ap;
        va_start(ap, ret_err);
        int code = vpullout(h, ret_out, ret_err, NULL, ap);
        va_end(ap);
        return code;
}

void harness_pullout_ok(struct harness *h, char **ret_out, ...) {
        char *out = NULL, *err = NULL;
        const char *command;
        va_list ap;
        va_start(ap, ret_out);
        int code = vpullout(h, &out, &err, &command, ap);
        va_end(ap);
        ck_assert_msg(code == 0, "pullout%s: exit %d: %s", command, code, err);
        if (ret_out)
                *ret_out = out;
        else
                free(out);
        free(err);
}

struct json_object *harness_pullout_json(struct harness *h, ...) {
        char *out = NULL, *err = NULL;
        const char *command;
        va_list ap;
        va_start(ap, h);
        int code = vpullout(h, &out, &err, &command, ap);
        va_end(ap);
        ck_assert_msg(code == 0, "pullout%s: exit %d: %s", command, code, err);
        struct json_object *document = json_tokener_parse(out);
        ck_assert_msg(document, "pullout%s printed no JSON: %s", command, out);
        free(out);
        free(err);
        return document;
}

void harness_copy_dir(const char *src, const char *dst) {
        DIR *d = opendir(src);
        ck_assert_msg(d, "cannot open %s", src);
        mkdir(dst, 0700);
        struct dirent *entry;
        while ((entry = readdir(d))) {
                if (entry->d_name[0] == '.')
                        continue;
                char from[1024], to[1024];
                snprintf(from, sizeof from, "%s/%s", src, entry->d_name);
                snprintf(to, sizeof to, "%s/%s", dst, entry->d_name);
                char *data = harness_read_file(from);
                if (!data)
                        continue;
                write_file(to, data);
                free(data);
        }
        closedir(d);
}

void harness_edit_file(const char *path, const char *from, const char *to) {
        char *data = harness_read_file(path);
        ck_assert_msg(data, "cannot read %s", path);
        char *hit = strstr(data, from);
        ck_assert_msg(hit, "%s does not contain \"%s\"", path, from);
        FILE *file = fopen(path, "we");
        ck_assert(file);
        fwrite(data, 1, (size_t)(hit - data), file);
        fputs(to, file);
        fputs(hit + strlen(from), file);
        fclose(file);
        free(data);
}

int harness_call(struct harness *h, char **ret_name, char **ret_message, const char *method, const char *types, ...) {
        sd_bus *bus = NULL;
        sd_bus_message *message = NULL, *reply = NULL;
        sd_bus_error error = SD_BUS_ERROR_NULL;
        ck_assert_int_ge(sd_bus_new(&bus), 0);
        ck_assert_int_ge(sd_bus_set_address(bus, h->bus_address), 0);
        ck_assert_int_ge(sd_bus_set_bus_client(bus, 1), 0);
        ck_assert_int_ge(sd_bus_start(bus), 0);
        ck_assert_int_ge(sd_bus_message_new_method_call(bus, &message, "org.pullout.Scheduler1",
                                                        "/org/pullout/Scheduler1", "org.pullout.Scheduler1", method),
                         0);
        va_list ap;
        va_start(ap, types);
        ck_assert_int_ge(sd_bus_message_appendv(message, types, ap), 0);
        va_end(ap);
        int r = sd_bus_call(bus, message, 60 * 1000000ull, &error, &reply);
        if (ret_name)
                *ret_name = r < 0 ? strdup(error.name ? error.name : "?") : NULL;
        if (ret_message)
                *ret_message = r < 0 ? strdup(error.message ? error.message : "") : NULL;
        sd_bus_error_free(&error);
        sd_bus_message_unref(reply);
        sd_bus_message_unref(message);
        sd_bus_flush_close_unref(bus);
        return r < 0 ? -1 : 0;
}

char *harness_daemon_log(struct harness *h) {
        char path[400];
        snprintf(path, sizeof path, "%s/pulloutd.log", h->dir);
        char *text = harness_read_file(path);
        return text ? text : strdup("");
}

int harness_log_count(struct harness *h, const char *text) {
        char *log = harness_daemon_log(h);
        int n = 0;
        for (char *line = log, *next; line && *line; line = next) {
                next = strchr(line, '\n');
                if (next)
                        *next++ = '\0';
                if (strstr(line, text))
                        n++;
        }
        free(log);
        return n;
}

bool harness_log_wait(struct harness *h, const char *text, int timeout_seconds) {
        for (int i = 0; i < timeout_seconds * 50; i++) {
                if (harness_log_count(h, text) > 0)
                        return true;
                usleep(20000);
        }
        return false;
}
