/* test-system.c: pulloutd as an IT department installs it: `make install` into an empty root,
 * the unit verified and scored by systemd-analyze, and who may do what on a bus configured like
 * the system bus with the shipped policy (and without it, where the daemon's own check holds). */
#include <check.h>
#include <errno.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <systemd/sd-bus.h>
#include <unistd.h>

#include "harness.h"

#define SERVICE_USER "pullout"
#define MEMBER "pullout-member"
#define OUTSIDER "pullout-outsider"

/* A layout whose paths the tests know, whatever pkg-config says on this machine. */
#define LAYOUT                                                                                               \
        "PREFIX=/usr", "SYSTEMD_SYSTEM_UNIT_DIR=/usr/lib/systemd/system",                                    \
                "SYSTEMD_USER_UNIT_DIR=/usr/lib/systemd/user", "SYSUSERS_DIR=/usr/lib/sysusers.d",           \
                "TMPFILES_DIR=/usr/lib/tmpfiles.d", "DBUS_POLICY_DIR=/usr/share/dbus-1/system.d",            \
                "DBUS_SYSTEM_SERVICES_DIR=/usr/share/dbus-1/system-services",                                \
                "DBUS_SESSION_SERVICES_DIR=/usr/share/dbus-1/services",                                      \
                "BASH_COMPLETION_DIR=/usr/share/bash-completion/completions"

static struct harness h;
static char root[PATH_MAX]; /* the empty root `make install DESTDIR=` fills, per test case */
static bool users_ready;

static void remove_tree(const char *path) {
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                execlp("rm", "rm", "-rf", "--", path, (char *)NULL);
                _exit(127);
        }
        waitpid(pid, NULL, 0);
}

/* Runs `make -C SOURCE BUILDDIR=... ARGS...` for the build the tests run from. Returns the exit
 * code; its stderr in *ret_err. */
static int run_make(struct harness *hh, char **ret_err, const char *const *args) {
        static char builddir[PATH_MAX];
        char resolved[PATH_MAX];
        const char *argv[40];
        int n = 0;
        ck_assert_msg(realpath(harness_pulloutd(), resolved), "no pulloutd at %s", harness_pulloutd());
        snprintf(builddir, sizeof builddir, "BUILDDIR=%s", dirname(resolved));
        /* The outer make's jobserver descriptors mean nothing in here. */
        unsetenv("MAKEFLAGS");
        unsetenv("MFLAGS");
        unsetenv("MAKELEVEL");
        argv[n++] = "make";
        argv[n++] = "--no-print-directory";
        argv[n++] = "-C";
        argv[n++] = harness_source();
        argv[n++] = builddir;
        if (strstr(builddir, "sanitize"))
                argv[n++] = "SANITIZE=1";
        for (int i = 0; args[i] && n < 39; i++)
                argv[n++] = args[i];
        argv[n] = NULL;
        return harness_command(hh, NULL, ret_err, argv);
}

static void install_into(struct harness *hh, const char *destdir, bool known_layout) {
        char dest_arg[PATH_MAX + 16], *err = NULL;
        snprintf(dest_arg, sizeof dest_arg, "DESTDIR=%s", destdir);
        const char *with_layout[] = { "install", dest_arg, LAYOUT, NULL };
        const char *defaults[] = { "install", dest_arg, NULL };
        int code = run_make(hh, &err, known_layout ? with_layout : defaults);
        ck_assert_msg(code == 0, "make install DESTDIR=%s: exit %d: %s", destdir, code, err);
        free(err);
}

static char *path_in(const char *base, const char *relative) {
        char *path = NULL;
        ck_assert_int_ge(asprintf(&path, "%s%s", base, relative), 0);
        return path;
}

/* Every regular file under dir, one relative path a line. */
static char *files_under(const char *dir) {
        char command[PATH_MAX + 64], line[PATH_MAX], *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        snprintf(command, sizeof command, "cd '%s' && find . -type f | sort", dir);
        FILE *pipe = popen(command, "r");
        ck_assert(pipe);
        while (fgets(line, sizeof line, pipe))
                fputs(line, out);
        pclose(pipe);
        fclose(out);
        return text;
}

/* ---- installation ------------------------------------------------------------------------ */

static void install_setup(void) {
        harness_start_bus(&h);
}

static void install_teardown(void) {
        harness_stop(&h);
}

START_TEST(test_install_puts_everything_in_place_and_uninstall_removes_it) {
        char destdir[400];
        snprintf(destdir, sizeof destdir, "%s/root", h.dir);
        install_into(&h, destdir, false);

        char *files = files_under(destdir);
        const char *expected[] = {
                "/sbin/pulloutd\n", "/bin/pullout\n", "/pulloutd.service\n", "/pulloutd-user.service\n",
                "/dbus-1/system.d/org.pullout.Scheduler1.conf\n",
                "/dbus-1/system-services/org.pullout.Scheduler1.service\n",
                "/dbus-1/services/org.pullout.Scheduler1.service\n", "/sysusers.d/pullout.conf\n",
                "/tmpfiles.d/pullout.conf\n", "/completions/pullout\n", "/man8/pulloutd.8\n",
                "/man5/pulloutd.conf.5\n", "/man1/pullout.1\n", "/pulloutd.conf.example\n",
        };
        for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++)
                ck_assert_msg(strstr(files, expected[i]), "make install did not install *%.*s; it installed:\n%s",
                              (int)strlen(expected[i]) - 1, expected[i], files);
        /* Nothing lands outside DESTDIR, and the units name the installed daemon. */
        char *unit_line = strstr(files, "/pulloutd.service\n");
        char *start = unit_line;
        while (start > files && start[-1] != '\n')
                start--;
        char unit[PATH_MAX];
        snprintf(unit, sizeof unit, "%s/%.*s", destdir, (int)(unit_line - start) + 17, start);
        char *text = harness_read_file(unit);
        ck_assert_msg(text && strstr(text, "ExecStart=/usr/local/sbin/pulloutd --system\n"),
                      "the unit does not start the installed daemon:\n%s", text);
        ck_assert_msg(!strstr(text, "@SBINDIR@"), "placeholders left in the unit");
        free(text);
        free(files);

        char dest_arg[PATH_MAX + 16], *err = NULL;
        snprintf(dest_arg, sizeof dest_arg, "DESTDIR=%s", destdir);
        const char *uninstall[] = { "uninstall", dest_arg, NULL };
        ck_assert_int_eq(run_make(&h, &err, uninstall), 0);
        files = files_under(destdir);
        ck_assert_msg(files[0] == '\0', "make uninstall left files behind:\n%s", files);
        free(files);
        free(err);
}
END_TEST

START_TEST(test_installed_unit_scores_2_or_better) {
        char destdir[400];
        snprintf(destdir, sizeof destdir, "%s/root", h.dir);
        install_into(&h, destdir, true);
        char *unit = path_in(destdir, "/usr/lib/systemd/system/pulloutd.service");
        char root_arg[PATH_MAX + 16];
        snprintf(root_arg, sizeof root_arg, "--root=%s", destdir);
        const char *argv[] = { "systemd-analyze", "security", "--offline=true", root_arg, "--no-pager", unit, NULL };
        char *out = NULL, *err = NULL;
        int code = harness_command(&h, &out, &err, argv);
        ck_assert_msg(code == 0, "systemd-analyze security: exit %d: %s%s", code, out, err);
        const char *marker = "Overall exposure level for pulloutd.service: ";
        char *found = strstr(out, marker);
        ck_assert_msg(found, "no exposure level in:\n%s", out);
        double exposure = strtod(found + strlen(marker), NULL);
        fprintf(stderr, "test-system: pulloutd.service exposure %.1f\n", exposure);
        ck_assert_msg(exposure <= 2.0, "pulloutd.service exposure %.1f is above 2.0:\n%s", exposure, out);
        free(out);
        free(err);
        free(unit);
}
END_TEST

START_TEST(test_installed_units_verify) {
        /* verify checks that ExecStart= and the man pages exist where the unit says: install
         * for real into a prefix inside the test folder (DESTDIR paths would not resolve). */
        char prefix[400], args[9][PATH_MAX + 40], *err = NULL, *out = NULL;
        snprintf(prefix, sizeof prefix, "%s/prefix", h.dir);
        snprintf(args[0], sizeof args[0], "PREFIX=%s/usr", prefix);
        snprintf(args[1], sizeof args[1], "SYSTEMD_SYSTEM_UNIT_DIR=%s/usr/lib/systemd/system", prefix);
        snprintf(args[2], sizeof args[2], "SYSTEMD_USER_UNIT_DIR=%s/usr/lib/systemd/user", prefix);
        snprintf(args[3], sizeof args[3], "SYSUSERS_DIR=%s/usr/lib/sysusers.d", prefix);
        snprintf(args[4], sizeof args[4], "TMPFILES_DIR=%s/usr/lib/tmpfiles.d", prefix);
        snprintf(args[5], sizeof args[5], "DBUS_POLICY_DIR=%s/usr/share/dbus-1/system.d", prefix);
        snprintf(args[6], sizeof args[6], "DBUS_SYSTEM_SERVICES_DIR=%s/usr/share/dbus-1/system-services", prefix);
        snprintf(args[7], sizeof args[7], "DBUS_SESSION_SERVICES_DIR=%s/usr/share/dbus-1/services", prefix);
        snprintf(args[8], sizeof args[8], "BASH_COMPLETION_DIR=%s/usr/share/bash-completion", prefix);
        const char *make_args[] = { "install", args[0], args[1], args[2], args[3], args[4],
                                    args[5], args[6], args[7], args[8], NULL };
        int code = run_make(&h, &err, make_args);
        ck_assert_msg(code == 0, "make install PREFIX=%s/usr: exit %d: %s", prefix, code, err);
        free(err);

        char manpath[PATH_MAX], runtime[PATH_MAX];
        snprintf(manpath, sizeof manpath, "%s/usr/share/man", prefix);
        setenv("MANPATH", manpath, 1);
        /* --user needs a runtime folder, even offline. */
        snprintf(runtime, sizeof runtime, "%s/runtime", h.dir);
        mkdir(runtime, 0700);
        char *system_unit = path_in(prefix, "/usr/lib/systemd/system/pulloutd.service");
        char *user_unit = path_in(prefix, "/usr/lib/systemd/user/pulloutd-user.service");
        /* Without man(1) verify cannot look the pages up: then it checks everything else. */
        const char *man_option = access("/usr/bin/man", X_OK) == 0 ? "--man=yes" : "--man=no";
        const char *system_argv[] = { "systemd-analyze", "verify", man_option, system_unit, NULL };
        code = harness_command(&h, &out, &err, system_argv);
        ck_assert_msg(code == 0 && err[0] == '\0', "systemd-analyze verify pulloutd.service: exit %d:\n%s%s", code,
                      out, err);
        free(out);
        free(err);
        /* harness_command sets XDG_RUNTIME_DIR to h.dir/runtime. */
        const char *user_argv[] = { "systemd-analyze", "verify", "--user", man_option, user_unit, NULL };
        code = harness_command(&h, &out, &err, user_argv);
        ck_assert_msg(code == 0 && err[0] == '\0', "systemd-analyze verify --user pulloutd-user.service: exit %d:\n%s%s",
                      code, out, err);
        free(out);
        free(err);
        free(system_unit);
        free(user_unit);
}
END_TEST

/* ---- who may do what on the system bus --------------------------------------------------- */

/* Creates the service user with the installed sysusers.d snippet, as systemd-sysusers does at
 * boot, and two people: one in the group pullout, one outside it. */
/* The users this process made, removed again at the end of the test case: make check leaves
 * the machine's user database as it found it (those already there stay). Members before
 * the group's owner, so that userdel can drop the groups too. */
static const char *const made_names[] = { MEMBER, OUTSIDER, SERVICE_USER };
static bool made[3];

static void remove_made_users(void) {
        struct harness quiet = { 0 };
        snprintf(quiet.dir, sizeof quiet.dir, "%s", root);
        for (size_t i = 0; i < 3; i++) {
                if (!made[i] || !getpwnam(made_names[i]))
                        continue;
                const char *userdel[] = { "userdel", made_names[i], NULL };
                const char *groupdel[] = { "groupdel", made_names[i], NULL };
                char *err = NULL;
                int code = harness_command(&quiet, NULL, &err, userdel);
                if (code != 0)
                        fprintf(stderr, "test-system: userdel %s: exit %d: %s", made_names[i], code, err ? err : "");
                free(err);
                if (getgrnam(made_names[i]))
                        harness_command(&quiet, NULL, NULL, groupdel);
                made[i] = false;
        }
}

static void ensure_users(void) {
        if (users_ready)
                return;
        char *snippet = path_in(root, "/usr/lib/sysusers.d/pullout.conf");
        char people[PATH_MAX];
        snprintf(people, sizeof people, "%s/test-people.conf", root);
        FILE *file = fopen(people, "we");
        ck_assert(file);
        fputs("u " MEMBER " - \"pullout test, a member of pullout\" - -\n"
              "m " MEMBER " " SERVICE_USER "\n"
              "u " OUTSIDER " - \"pullout test, outside pullout\" - -\n",
              file);
        fclose(file);
        struct harness quiet = { 0 };
        snprintf(quiet.dir, sizeof quiet.dir, "%s", root);
        const char *service[] = { "systemd-sysusers", snippet, NULL };
        const char *test_people[] = { "systemd-sysusers", people, NULL };
        char *err = NULL;
        int code = harness_command(&quiet, NULL, &err, service);
        ck_assert_msg(code == 0, "systemd-sysusers %s: exit %d: %s", snippet, code, err);
        free(err);
        code = harness_command(&quiet, NULL, &err, test_people);
        ck_assert_msg(code == 0, "systemd-sysusers %s: exit %d: %s", people, code, err);
        free(err);
        free(snippet);

        struct group *group = getgrnam(SERVICE_USER);
        ck_assert_msg(group, "no group " SERVICE_USER " after systemd-sysusers");
        bool member = false;
        for (char **name = group->gr_mem; name && *name; name++)
                member = member || strcmp(*name, MEMBER) == 0;
        ck_assert_msg(member, MEMBER " is not in the group " SERVICE_USER);
        ck_assert(getpwnam(OUTSIDER));
        users_ready = true;
}

/* Once per test case: the installed tree (programs, policy, sysusers snippet). */
static void users_case_setup(void) {
        for (size_t i = 0; i < 3; i++)
                made[i] = !getpwnam(made_names[i]);
        snprintf(root, sizeof root, "%s/pullout-system-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
        ck_assert(mkdtemp(root));
        ck_assert_int_eq(chmod(root, 0755), 0);
        struct harness quiet = { 0 };
        snprintf(quiet.dir, sizeof quiet.dir, "%s", root);
        install_into(&quiet, root, true);
}

static void users_case_teardown(void) {
        /* In check's parent process: the tests that made the users ran in children. */
        remove_made_users();
        users_ready = false;
        if (root[0])
                remove_tree(root);
        root[0] = '\0';
}

static bool skip_unless_root(void) {
        if (harness_can_switch_users())
                return false;
        fprintf(stderr, "test-system: not root: skipping the tests that run pulloutd and pullout as other users\n");
        return true;
}

/* A private system bus, loading the installed policy (or none: permissive), with the installed
 * pulloutd on it as the service user, and the sample school readable by everyone. */
static void start_system(bool shipped_policy) {
        ensure_users();
        char *policy = path_in(root, "/usr/share/dbus-1/system.d/org.pullout.Scheduler1.conf");
        harness_start_system_bus(&h, shipped_policy ? policy : NULL);
        free(policy);
        char *daemon = path_in(root, "/usr/sbin/pulloutd");
        char *cli = path_in(root, "/usr/bin/pullout");
        setenv("PULLOUTD", daemon, 1);
        setenv("PULLOUT", cli, 1);
        free(daemon);
        free(cli);
        snprintf(h.daemon_user, sizeof h.daemon_user, SERVICE_USER);
        harness_start_daemon(&h, NULL);

        char from[PATH_MAX], to[PATH_MAX];
        snprintf(from, sizeof from, "%s/examples/sample-school", harness_source());
        snprintf(to, sizeof to, "%s/school", h.dir);
        harness_copy_dir(from, to);
        ck_assert_int_eq(chmod(to, 0755), 0);
}

static void users_setup(void) {
        if (!harness_can_switch_users())
                return;
        start_system(true);
}

static void permissive_setup(void) {
        if (!harness_can_switch_users())
                return;
        start_system(false);
}

static void users_teardown(void) {
        if (h.dir[0])
                harness_stop(&h);
}

/* Runs pullout --system ARGS as user; exit code, stdout and stderr. */
static int pullout_as(const char *user, char **ret_out, char **ret_err, const char *command, const char *arg) {
        snprintf(h.run_as, sizeof h.run_as, "%s", user);
        int code = harness_pullout(&h, ret_out, ret_err, command, arg, NULL);
        h.run_as[0] = '\0';
        return code;
}

/* Calls one method of org.pullout.Scheduler1 as user, straight with sd-bus (no CLI in between):
 * "ok" or the D-Bus error name, malloc'd. */
/* A process's credentials: groups NULL takes the user's from the user database, as login does;
 * else exactly n_groups of them. */
struct caller {
        const char *user;
        const gid_t *groups;
        size_t n_groups;
};

static char *call_from(const struct caller *who, const char *interface, const char *method) {
        const char *user = who->user;
        int fds[2];
        ck_assert_int_eq(pipe(fds), 0);
        pid_t pid = fork();
        ck_assert_int_ge(pid, 0);
        if (pid == 0) {
                close(fds[0]);
                prctl(PR_SET_PDEATHSIG, SIGKILL);
                struct passwd *pw = getpwnam(user);
                if (!pw || (who->groups ? setgroups(who->n_groups, who->groups) : initgroups(user, pw->pw_gid)) < 0 ||
                    setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0)
                        _exit(126);
                sd_bus *bus = NULL;
                sd_bus_message *call = NULL, *reply = NULL;
                sd_bus_error error = SD_BUS_ERROR_NULL;
                int r;
                if ((r = sd_bus_new(&bus)) < 0 || (r = sd_bus_set_address(bus, h.bus_address)) < 0 ||
                    (r = sd_bus_set_bus_client(bus, 1)) < 0 || (r = sd_bus_start(bus)) < 0 ||
                    (r = sd_bus_message_new_method_call(bus, &call, "org.pullout.Scheduler1",
                                                        "/org/pullout/Scheduler1", interface, method)) < 0)
                        _exit(125);
                if (strcmp(method, "Import") == 0)
                        r = sd_bus_message_append(call, "a(say)", 0);
                else if (strcmp(method, "Get") == 0)
                        r = sd_bus_message_append(call, "ss", "org.pullout.Scheduler1", "Students");
                if (r < 0)
                        _exit(124);
                r = sd_bus_call(bus, call, 10 * 1000000ull, &error, &reply);
                const char *answer = r >= 0 ? "ok" : error.name ? error.name : "(no error name)";
                if (write(fds[1], answer, strlen(answer)) < 0)
                        _exit(123);
                _exit(0);
        }
        close(fds[1]);
        char answer[256] = "";
        ssize_t n = read(fds[0], answer, sizeof answer - 1);
        close(fds[0]);
        int status;
        waitpid(pid, &status, 0);
        ck_assert_msg(n > 0, "call %s as %s: the caller failed (status %d)", method, user, status);
        answer[n] = '\0';
        return strdup(answer);
}

static char *call_as(const char *user, const char *interface, const char *method) {
        return call_from(&(struct caller){ .user = user }, interface, method);
}

static void assert_call(const char *user, const char *interface, const char *method, const char *expected) {
        char *answer = call_as(user, interface, method);
        ck_assert_msg(strcmp(answer, expected) == 0, "%s calling %s.%s: got %s, expected %s", user, interface, method,
                      answer, expected);
        free(answer);
}

START_TEST(test_daemon_runs_as_the_service_user) {
        if (skip_unless_root())
                return;
        char path[400];
        snprintf(path, sizeof path, "/proc/%d/status", (int)h.daemon_pid);
        char *status = harness_read_file(path);
        ck_assert(status);
        struct passwd *pw = getpwnam(SERVICE_USER);
        char expected[64];
        snprintf(expected, sizeof expected, "\nUid:\t%u\t%u\t", (unsigned)pw->pw_uid, (unsigned)pw->pw_uid);
        ck_assert_msg(strstr(status, expected), "pulloutd does not run as %s:\n%s", SERVICE_USER, status);
        free(status);

        /* Nobody else may own the name: a second daemon as an outsider is refused by the policy. */
        snprintf(h.daemon_user, sizeof h.daemon_user, OUTSIDER);
        snprintf(path, sizeof path, "%s/outsider", h.dir);
        ck_assert_int_eq(mkdir(path, 0700), 0);
        snprintf(h.db, sizeof h.db, "%s/outsider/pullout.db", h.dir);
        char *err = NULL;
        int code = harness_run_daemon_to_exit(&h, NULL, &err);
        ck_assert_msg(code == 1 && strstr(err, "cannot own org.pullout.Scheduler1"),
                      "an outsider's pulloutd was not refused the name: exit %d: %s", code, err);
        free(err);
}
END_TEST

START_TEST(test_root_and_members_import_and_read) {
        if (skip_unless_root())
                return;
        char school[400], *out = NULL, *err = NULL;
        snprintf(school, sizeof school, "%s/school", h.dir);
        int code = pullout_as("root", &out, &err, "import", school);
        ck_assert_msg(code == 0, "root: pullout import: exit %d: %s", code, err);
        free(out);
        free(err);

        code = pullout_as(MEMBER, &out, &err, "status", NULL);
        ck_assert_msg(code == 0, MEMBER ": pullout status: exit %d: %s", code, err);
        ck_assert_msg(strstr(out, "Maple Grove"), MEMBER " does not see the school: %s", out);
        free(out);
        free(err);

        code = pullout_as(MEMBER, &out, &err, "import", school);
        ck_assert_msg(code == 0, MEMBER ": pullout import: exit %d: %s", code, err);
        free(out);
        free(err);
        assert_call(MEMBER, "org.pullout.Scheduler1", "Import", "org.pullout.Error.InvalidData");
}
END_TEST

START_TEST(test_outsider_is_refused_by_the_policy) {
        if (skip_unless_root())
                return;
        char school[400], *out = NULL, *err = NULL;
        snprintf(school, sizeof school, "%s/school", h.dir);
        int code = pullout_as(OUTSIDER, &out, &err, "import", school);
        ck_assert_msg(code == 1, OUTSIDER ": pullout import: exit %d (expected 1): %s", code, out);
        ck_assert_msg(strstr(err, "access denied") && strstr(err, "group 'pullout'"),
                      "the refusal does not say which group grants access: %s", err);
        free(out);
        free(err);

        /* The bus itself refuses, before pulloutd sees the call; any method but Status. */
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Import", "org.freedesktop.DBus.Error.AccessDenied");
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Schedule", "org.freedesktop.DBus.Error.AccessDenied");
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Solve", "org.freedesktop.DBus.Error.AccessDenied");
        /* What stays open to everyone. */
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Status", "ok");
        assert_call(OUTSIDER, "org.freedesktop.DBus.Peer", "Ping", "ok");
        assert_call(OUTSIDER, "org.freedesktop.DBus.Introspectable", "Introspect", "ok");
        assert_call(OUTSIDER, "org.freedesktop.DBus.Properties", "Get", "ok");
        code = pullout_as(OUTSIDER, &out, &err, "status", NULL);
        ck_assert_msg(code == 0, OUTSIDER ": pullout status: exit %d: %s", code, err);
        free(out);
        free(err);
}
END_TEST

START_TEST(test_daemon_refuses_outsider_when_the_policy_is_bypassed) {
        if (skip_unless_root())
                return;
        char school[400], *out = NULL, *err = NULL;
        snprintf(school, sizeof school, "%s/school", h.dir);
        int code = pullout_as(OUTSIDER, &out, &err, "import", school);
        ck_assert_msg(code == 1, OUTSIDER ": pullout import on a permissive bus: exit %d (expected 1): %s", code, out);
        ck_assert_msg(strstr(err, "only for root and members of the group 'pullout'"),
                      "pulloutd's refusal does not name the group: %s", err);
        free(out);
        free(err);

        /* pulloutd's own answer, for methods it has and for any other: nothing but the open
         * ones reaches a method handler. */
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Import", "org.pullout.Error.AccessDenied");
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Solve", "org.pullout.Error.AccessDenied");
        /* What a signal leaves out (names, records) is not one call away for an outsider. */
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "GetSession", "org.pullout.Error.AccessDenied");
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "GetAlert", "org.pullout.Error.AccessDenied");
        assert_call(OUTSIDER, "org.pullout.Scheduler1", "Status", "ok");
        assert_call(OUTSIDER, "org.freedesktop.DBus.Properties", "Get", "ok");

        /* Root and members still pass the daemon's check. */
        code = pullout_as(MEMBER, &out, &err, "import", school);
        ck_assert_msg(code == 0, MEMBER ": pullout import: exit %d: %s", code, err);
        free(out);
        free(err);
        assert_call("root", "org.pullout.Scheduler1", "Import", "org.pullout.Error.InvalidData");
}
END_TEST

/* The groups the calling process holds decide, as the bus saw them, not what the user database
 * lists: a member whose process dropped the group is refused, a process that holds the group
 * without its user being listed in it gets in. */
START_TEST(test_daemon_decides_from_the_groups_the_caller_holds) {
        if (skip_unless_root())
                return;
        struct group *group = getgrnam(SERVICE_USER);
        ck_assert(group);
        const gid_t holds[1] = { group->gr_gid };
        static const struct {
                const char *who, *user;
                bool holds;
                const char *expected;
        } cases[] = {
                { "a member whose process dropped the group", MEMBER, false, "org.pullout.Error.AccessDenied" },
                { "a member holding it", MEMBER, true, "org.pullout.Error.InvalidData" },
                { "an outsider's process holding the group", OUTSIDER, true, "org.pullout.Error.InvalidData" },
        };
        for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
                struct caller who = { .user = cases[i].user, .groups = holds, .n_groups = cases[i].holds ? 1 : 0 };
                char *answer = call_from(&who, "org.pullout.Scheduler1", "Import");
                ck_assert_msg(strcmp(answer, cases[i].expected) == 0, "%s: %s, expected %s", cases[i].who, answer,
                              cases[i].expected);
                free(answer);
        }
}
END_TEST

Suite *suite_system(void) {
        Suite *suite = suite_create("system");

        TCase *install = tcase_create("install");
        tcase_set_timeout(install, 120);
        tcase_add_checked_fixture(install, install_setup, install_teardown);
        tcase_add_test(install, test_install_puts_everything_in_place_and_uninstall_removes_it);
        tcase_add_test(install, test_installed_unit_scores_2_or_better);
        tcase_add_test(install, test_installed_units_verify);
        suite_add_tcase(suite, install);

        TCase *policy = tcase_create("system bus with the shipped policy");
        tcase_set_timeout(policy, 120);
        tcase_add_unchecked_fixture(policy, users_case_setup, users_case_teardown);
        tcase_add_checked_fixture(policy, users_setup, users_teardown);
        tcase_add_test(policy, test_daemon_runs_as_the_service_user);
        tcase_add_test(policy, test_root_and_members_import_and_read);
        tcase_add_test(policy, test_outsider_is_refused_by_the_policy);
        suite_add_tcase(suite, policy);

        TCase *bypassed = tcase_create("system bus without the policy");
        tcase_set_timeout(bypassed, 120);
        tcase_add_unchecked_fixture(bypassed, users_case_setup, users_case_teardown);
        tcase_add_checked_fixture(bypassed, permissive_setup, users_teardown);
        tcase_add_test(bypassed, test_daemon_refuses_outsider_when_the_policy_is_bypassed);
        tcase_add_test(bypassed, test_daemon_decides_from_the_groups_the_caller_holds);
        suite_add_tcase(suite, bypassed);
        return suite;
}
