package io.ordo.core.queue;

import io.ordo.core.model.Job;
import io.ordo.core.model.JobStatus;
import io.ordo.core.store.ClaimRequest;
import io.ordo.core.store.JobStore;
import io.ordo.core.store.LimitedClaim;
import io.ordo.core.store.RunStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A broker carries the queue; the store keeps the record. Jobs are published after their pending
 * state is committed: fresh inserts by the node that inserted them, every other move to pending
 * (retry, promotion, rescue, hand-back, restart, on any node) by the {@link PendingRelay} from the
 * store's committed events. A worker receives job ids, claims exactly those in the store (fenced
 * as always) and then acknowledges the messages: a message whose job is no longer pending is a
 * duplicate or stale and is dropped. The {@link Reconciler} publishes again what is pending in the
 * store but missing from the broker (a broker restarted without its data, a crash between commit
 * and publish, a transactional submit), so losing the broker loses no job.
 */
public final class TransportQueueBackend implements QueueBackend {
    private static final Logger log = LoggerFactory.getLogger(TransportQueueBackend.class);

    private final JobStore store;
    private final QueueTransport transport;
    private final Duration wait;
    private final Clock clock;
    private final PendingRelay relay;
    private final Reconciler reconciler;
    private final AtomicReference<String> problem = new AtomicReference<>();
    private final Channels channels = new Channels();

    /**
     * @param wait      how long a claim waits for messages when there are none (the node's poll interval)
     * @param reconcile how often the reconciler compares the store with the broker
     * @param duties    whether this node runs the relay and the reconciler
     * @param leading   whether they run now: on the cluster's leader only
     */
    public TransportQueueBackend(JobStore store, QueueTransport transport, Clock clock, Duration wait, Duration reconcile,
                                 boolean duties, java.util.function.BooleanSupplier leading) {
        this.store = store;
        this.transport = transport;
        this.wait = wait;
        this.clock = clock;
        this.relay = duties ? new PendingRelay(store, this::publishReady, leading) : null;
        this.reconciler = duties ? new Reconciler(store, transport, clock, reconcile, channels, this::publishReady, leading) : null;
    }

    @Override
    public String kind() {
        return transport.kind();
    }

    @Override
    public String describe() {
        return transport.describe();
    }

    @Override
    public boolean storeIsQueue() {
        return false;
    }

    @Override
    public void leadershipChanged() {
        if (relay != null) relay.wake();
        if (reconciler != null) reconciler.soon();
    }

    @Override
    public void start() {
        if (relay != null) relay.start();
        if (reconciler != null) reconciler.start();
    }

    @Override
    public void publish(List<Job> jobs) {
        List<QueueMessage> ready = new ArrayList<>();
        for (Job j : jobs) if (j.status() == JobStatus.PENDING) ready.add(new QueueMessage(j.id(), j.queue(), j.type()));
        publishReady(ready);
    }

    /** Never throws: a job that could not be published is pending in the store, and the reconciler finds it. */
    @Override
    public void publishReady(List<QueueMessage> messages) {
        if (messages.isEmpty()) return;
        for (QueueMessage m : messages) channels.note(m.queue(), m.type());
        try {
            transport.publish(messages);
            problem.set(null);
        } catch (RuntimeException e) {
            down(e);
            log.warn("publishing {} job(s) to {} failed ({}); they stay pending in the store and are published again when it is back",
                    messages.size(), transport.describe(), e.getMessage());
            if (reconciler != null) reconciler.soon();
        }
    }

    @Override
    public List<Job> claim(ClaimRequest request) {
        List<Delivery> got = receive(request);
        if (got.isEmpty()) return List.of();
        List<Job> claimed;
        try {
            claimed = store.claimIds(fromNow(request), ids(got));
        } catch (RuntimeException e) {
            release(got); // the store failed: the messages go to another consumer (or to us again)
            throw e;
        }
        handOn(request, got, claimed);
        // claimed jobs are held by their lease now; the rest are no longer pending (stale or duplicate)
        // or were published again for another node
        ackLater(got);
        return claimed;
    }

    /**
     * As {@link #claim}, under the stored limits. The messages of jobs a limit kept pending are
     * released for redelivery, not acknowledged: acknowledging would drop them while their jobs
     * still wait (the reconciler would only find them much later).
     */
    @Override
    public LimitedClaim claimLimited(ClaimRequest request) {
        List<Delivery> got = receive(request);
        if (got.isEmpty()) return LimitedClaim.unlimited(List.of());
        LimitedClaim claimed;
        try {
            claimed = store.claimIdsLimited(fromNow(request), ids(got));
        } catch (RuntimeException e) {
            release(got);
            throw e;
        }
        List<Delivery> keep = new ArrayList<>();
        List<Delivery> done = new ArrayList<>();
        for (Delivery d : got) (claimed.deferred().contains(d.message().jobId()) ? keep : done).add(d);
        release(keep);
        handOn(request, done, claimed.jobs());
        ackLater(done);
        return claimed;
    }

    private List<Delivery> receive(ClaimRequest request) {
        channels.note(request.queue(), request.types());
        try {
            List<Delivery> got = transport.receive(request.queue(), request.types(), request.limit(), wait);
            problem.set(null);
            return got;
        } catch (RuntimeException e) {
            down(e);
            throw e; // the fetch loop backs off and tries again
        }
    }

    /** The receive may have waited: the lease and start time count from now, not from the request. */
    private ClaimRequest fromNow(ClaimRequest request) {
        return new ClaimRequest(request.queue(), request.types(), request.limit(), request.owner(), request.lease(), clock.instant(),
                request.requirementKeys());
    }

    /**
     * Capabilities and routing: publishes again the unclaimed messages whose job is still pending and
     * requires what this node lacks, as new messages any consumer may read next (a broker's
     * redelivery could bring them back here every time). When they were all this node got it waits a
     * poll interval, so that a job no node can run goes round the nodes slowly. Never throws: a job
     * not handed on stays pending in the store for the reconciler.
     */
    private void handOn(ClaimRequest request, List<Delivery> got, List<Job> claimed) {
        try {
            List<Delivery> notForUs = notForThisNode(request, got, claimed);
            if (notForUs.isEmpty()) return;
            publishReady(notForUs.stream().map(Delivery::message).toList());
            if (claimed.isEmpty()) pause(wait);
        } catch (RuntimeException e) {
            log.warn("could not tell which unclaimed messages on {} are for other nodes: {}", transport.describe(), e.getMessage());
        }
    }

    private List<Delivery> notForThisNode(ClaimRequest request, List<Delivery> got, List<Job> claimed) {
        if (claimed.size() == got.size()) return List.of();
        Set<UUID> taken = new java.util.HashSet<>();
        for (Job j : claimed) taken.add(j.id());
        List<Delivery> out = new ArrayList<>();
        for (Delivery d : got) {
            UUID id = d.message().jobId();
            if (!taken.contains(id) && store.get(id).filter(j -> j.status() == JobStatus.PENDING && !request.meets(j.requires())).isPresent()) {
                out.add(d);
            }
        }
        return out;
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Set<UUID> ids(List<Delivery> got) {
        Set<UUID> ids = new LinkedHashSet<>(); // a job may come twice in one receive: it is claimed once
        for (Delivery d : got) ids.add(d.message().jobId());
        return ids;
    }

    /** Never throws: a message not given back stays unacknowledged and comes back once the broker gives up on this consumer. */
    private void release(List<Delivery> got) {
        if (got.isEmpty()) return;
        try {
            transport.release(got);
        } catch (RuntimeException e) {
            log.warn("releasing {} message(s) on {} failed: {}", got.size(), transport.describe(), e.getMessage());
        }
    }

    /** The ack need not hold up the claim loop: a message it misses is redelivered and then dropped. */
    private void ackLater(List<Delivery> got) {
        if (got.isEmpty()) return;
        Thread.ofVirtual().name("ordo-ack").start(() -> {
            try {
                transport.ack(got);
            } catch (RuntimeException e) {
                log.warn("acknowledging {} message(s) on {} failed: {}", got.size(), transport.describe(), e.getMessage());
            }
        });
    }

    @Override
    public OptionalLong messages(String queue, Set<String> types) {
        try {
            return OptionalLong.of(transport.count(queue, channels.of(queue, types)));
        } catch (RuntimeException e) {
            down(e);
            return OptionalLong.empty();
        }
    }

    @Override
    public long purge(String queue, Set<String> types) {
        return transport.purge(queue, channels.of(queue, types));
    }

    @Override
    public Optional<String> problem() {
        String p = problem.get();
        if (p == null) return Optional.empty();
        try { // look again, so /ready turns green as soon as the broker answers
            transport.ping();
            problem.set(null);
            return Optional.empty();
        } catch (RuntimeException e) {
            return Optional.of(p);
        }
    }

    private void down(RuntimeException e) {
        problem.set(transport.describe() + " is unreachable: " + e.getMessage());
    }

    /** The reconciler, for tests and operations: runs one pass now. */
    public Reconciler.Pass reconcileNow() {
        if (reconciler == null) throw new IllegalStateException("this node does not run the reconciler");
        return reconciler.pass();
    }

    @Override
    public void close() {
        if (relay != null) relay.close();
        if (reconciler != null) reconciler.close();
        transport.close();
    }
}
