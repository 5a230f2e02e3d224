package dev.rnnport.nn.fast;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;

/**
 * A persistent team of threads for the parallel parts of a time step: the caller and size-1
 * daemon workers each run one part of a job, and {@link #run} returns when all parts are done.
 * Workers spin briefly between jobs, because the steps of one sequence follow each other within
 * microseconds, and park when no job comes; no thread is started per step or per run. One team
 * per size is shared by every engine; jobs from several callers take turns.
 */
final class WorkTeam {
    private static final Map<Integer, WorkTeam> TEAMS = new ConcurrentHashMap<>();
    /** Spins before a waiting worker parks: tens of microseconds, longer than the gap between steps. */
    private static final int SPINS = 1 << 15;

    private final int size;
    private final ReentrantLock turn = new ReentrantLock();
    private final AtomicInteger remaining = new AtomicInteger();
    private final Thread[] workers;
    /**
     * The job's number (high bits) and part count (low 16 bits) in one volatile write, so that a
     * worker never pairs one job's number with another's count. {@link #job} is read only by a
     * worker the ticket names, and the caller replaces it only after every such worker is done.
     */
    private volatile long ticket;
    private volatile IntConsumer job;
    private volatile Throwable failure;

    private WorkTeam(int size) {
        this.size = size;
        this.workers = new Thread[size - 1];
        for (int i = 1; i < size; i++) {
            int part = i;
            Thread t = new Thread(() -> work(part), "rnnport-compute-" + i);
            t.setDaemon(true);
            workers[i - 1] = t;
            t.start();
        }
    }

    /** The shared team of {@code size} threads (the caller counts as one). */
    static WorkTeam of(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("a team needs at least one thread, found " + size);
        }
        return TEAMS.computeIfAbsent(size, WorkTeam::new);
    }

    int size() {
        return size;
    }

    /** Runs body(0) .. body(n-1), n at most {@link #size()}, part 0 on the calling thread. */
    void run(int n, IntConsumer body) {
        if (n <= 1) {
            body.accept(0);
            return;
        }
        if (n > size) {
            throw new IllegalArgumentException(n + " parts for a team of " + size);
        }
        turn.lock();
        try {
            job = body;
            failure = null;
            remaining.set(n - 1);
            ticket = ((ticket >>> 16) + 1) << 16 | n;
            for (int i = 1; i < n; i++) {
                LockSupport.unpark(workers[i - 1]);
            }
            try {
                body.accept(0);
            } catch (RuntimeException | Error e) {
                failure = e;
            }
            for (int spins = 0; remaining.get() != 0; spins++) {
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    Thread.yield();
                }
            }
            Throwable f = failure;
            if (f instanceof RuntimeException r) {
                throw r;
            } else if (f instanceof Error e) {
                throw e;
            }
        } finally {
            job = null;
            turn.unlock();
        }
    }

    private void work(int part) {
        // Job 0 is "none yet". Not the current ticket: a worker may start after the first job is posted.
        long seen = 0;
        while (true) {
            int spins = 0;
            long now;
            while (((now = ticket) >>> 16) == seen) {
                if (spins++ < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.park(this);
                }
            }
            seen = now >>> 16;
            if (part < (now & 0xFFFF)) {
                try {
                    job.accept(part);
                } catch (RuntimeException | Error e) {
                    failure = e;
                } finally {
                    remaining.decrementAndGet();
                }
            }
        }
    }
}
