/*
 * The pod sandbox's "pause" process: it only holds the pod's namespaces open.
 * It sleeps forever, reaps any orphaned children (it is PID 1 of the pod), and exits
 * at once on SIGTERM/SIGINT so StopPodSandbox is quick.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig) { (void)sig; _exit(0); }

static void on_child(int sig) {
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(void) {
    signal(SIGTERM, on_stop);
    signal(SIGINT, on_stop);
    signal(SIGCHLD, on_child);
    for (;;) {
        pause();
    }
}
