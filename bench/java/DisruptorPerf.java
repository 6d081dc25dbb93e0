// The Java LMAX Disruptor (Debian's libdisruptor-java) driven the way its perftests drive
// it, so bench/run_disruptor_vs_java.sh can set lmx's disruptor_bench beside it in one run.
//
//   java -cp disruptor.jar:. DisruptorPerf TOPOLOGY EVENTS RUNS yielding|busy_spin [CPUS]
//
// one_to_one        replicates OneToOneSequencedThroughputTest: ring 65536, one publish
//                   per event, ValueAdditionEventHandler
// one_to_one_batch  replicates OneToOneSequencedBatchThroughputTest (10 slots per claim)
// three_to_one      replicates ThreeToOneSequencedThroughputTest (multi-producer)
// pipeline          replicates OneToThreePipelineSequencedThroughputTest (three steps)
// multicast         replicates OneToThreeSequencedThroughputTest, with XOR for its AND (as
//                   disruptor_bench: an AND from 0 is 0 whatever the events, so unchecked)
// diamond           replicates OneToThreeDiamondSequencedThroughputTest (fizz/buzz)
// ping_pong         replicates PingPongSequencedLatencyTest: rings of 1024, the round trip
//
// As in the perftests, each topology's consumers share one handler class (a step field picks
// the work), so the processor's call into the handler stays monomorphic.
//
// Each run prints `<topology> ops_per_sec=<N>` (ping_pong: `p50_ns= p99_ns= p999_ns=`), the
// same line disruptor_bench prints, after checking the consumers' results. Completion is
// awaited the same way (poll the sequences of the consumers nothing else waits for).
//
// CPUS (e.g. 0,1 or 0-3) pins each run's threads round-robin as disruptor_bench --cpus does:
// the main thread first, then the consumers in the order added, then three_to_one's
// producers. Java has no affinity call, so each thread runs taskset on its own thread id
// (read from /proc/thread-self) before the clock starts.

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

public final class DisruptorPerf {
  static final int RING_SIZE = 1 << 16;
  static final int PING_PONG_RING_SIZE = 1024;
  static final int BATCH_SIZE = 10;

  static final class ValueEvent {
    long value;
    boolean fizz;
    boolean buzz;
  }

  static final class PipelineEvent {
    long operandOne;
    long operandTwo;
    long stepOne;
    long stepTwo;
  }

  // The CPUs of the CPUS argument, handed out round-robin to the threads of one run; used on
  // the main thread only, before each thread exists, so the mapping is the same every run.
  static final class CpuPlan {
    private final int[] cpus;
    private int next;

    CpuPlan(String list) {
      List<Integer> parsed = new ArrayList<>();
      for (String item : list.isEmpty() ? new String[0] : list.split(",")) {
        String[] range = item.split("-", 2);
        int first = Integer.parseInt(range[0]);
        int last = range.length == 2 ? Integer.parseInt(range[1]) : first;
        for (int cpu = first; cpu <= last; cpu++) parsed.add(cpu);
      }
      cpus = parsed.stream().mapToInt(Integer::intValue).toArray();
    }

    // Starts a run: the calling (main) thread takes the first CPU.
    void beginRun() throws Exception {
      next = 0;
      pinCurrentThread(next());
    }

    // The CPU for the next thread of this run; -1 when not pinning.
    int next() { return cpus.length == 0 ? -1 : cpus[next++ % cpus.length]; }
  }

  static void pinCurrentThread(int cpu) throws Exception {
    if (cpu < 0)
      return;
    String tid = Files.readSymbolicLink(Paths.get("/proc/thread-self")).getFileName().toString();
    Process taskset = new ProcessBuilder("taskset", "-cp", Integer.toString(cpu), tid)
                          .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                          .redirectError(ProcessBuilder.Redirect.INHERIT)
                          .start();
    if (taskset.waitFor() != 0)
      throw new IllegalStateException("cannot pin to CPU " + cpu);
  }

  // The perftests' ValueAdditionEventHandler and ValueMutationEventHandler in one class.
  static final class Mutation implements EventHandler<ValueEvent> {
    static final int ADD = 0, SUBTRACT = 1, XOR = 2;
    final int operation;
    long value;

    Mutation(int operation) { this.operation = operation; }

    public void onEvent(ValueEvent e, long sequence, boolean endOfBatch) {
      switch (operation) {
        case ADD:
          value += e.value;
          break;
        case SUBTRACT:
          value -= e.value;
          break;
        default:
          value ^= e.value;
          break;
      }
    }
  }

  // The perftest's FunctionEventHandler: three steps of a pipeline.
  static final class Function implements EventHandler<PipelineEvent> {
    final int step;
    long count;

    Function(int step) { this.step = step; }

    public void onEvent(PipelineEvent e, long sequence, boolean endOfBatch) {
      switch (step) {
        case 1:
          e.stepOne = e.operandOne + e.operandTwo;
          break;
        case 2:
          e.stepTwo = e.stepOne + 3;
          break;
        default:
          if ((e.stepTwo & 4) == 4)
            count++;
          break;
      }
    }
  }

  // The perftest's FizzBuzzEventHandler: fizz, buzz, or count both.
  static final class FizzBuzz implements EventHandler<ValueEvent> {
    static final int FIZZ = 0, BUZZ = 1, FIZZ_BUZZ = 2;
    final int step;
    long count;

    FizzBuzz(int step) { this.step = step; }

    public void onEvent(ValueEvent e, long sequence, boolean endOfBatch) {
      switch (step) {
        case FIZZ:
          e.fizz = e.value % 3 == 0;
          break;
        case BUZZ:
          e.buzz = e.value % 5 == 0;
          break;
        default:
          if (e.fizz && e.buzz)
            count++;
          break;
      }
    }
  }

  // Answers every ping by publishing the same value on the pong ring.
  static final class Ponger implements EventHandler<ValueEvent> {
    final RingBuffer<ValueEvent> pong;

    Ponger(RingBuffer<ValueEvent> pong) { this.pong = pong; }

    public void onEvent(ValueEvent e, long sequence, boolean endOfBatch) {
      long next = pong.next();
      pong.get(next).value = e.value;
      pong.publish(next);
    }
  }

  interface Producer {
    void run() throws Exception;
  }

  // Ends the process (as disruptor_bench does) if the consumers computed the wrong thing:
  // an exception would leave the processor threads running and the JVM with them.
  static void check(boolean ok, String what) {
    if (ok)
      return;
    System.err.println("DisruptorPerf: wrong result: " + what);
    System.exit(2);
  }

  static long sumBelow(long n) { return n * (n - 1) / 2; }

  // XOR of 0 .. n-1 in closed form, as disruptor_bench's xor_below.
  static long xorBelow(long n) {
    long last = n - 1;
    switch ((int) (last % 4)) {
      case 0:
        return last;
      case 1:
        return 1;
      case 2:
        return last + 1;
      default:
        return 0;
    }
  }

  static long rate(long events, long elapsedNanos) {
    return events * 1_000_000_000L / elapsedNanos;
  }

  // Starts each processor on a thread of its own, pinned per `cpus`, and returns once all
  // are running (and pinned), so neither start-up nor taskset is timed.
  static Thread[] start(CpuPlan cpus, BatchEventProcessor<?>... processors) throws Exception {
    Thread[] threads = new Thread[processors.length];
    CountDownLatch started = new CountDownLatch(processors.length);
    for (int i = 0; i < processors.length; i++) {
      threads[i] = pinnedThread(cpus.next(), started, processors[i] ::run);
      threads[i].start();
    }
    started.await();
    return threads;
  }

  static void stop(Thread[] threads, BatchEventProcessor<?>... processors) throws Exception {
    for (BatchEventProcessor<?> p : processors) p.halt();
    for (Thread t : threads) t.join();
  }

  // A thread that pins itself to `cpu`, counts `pinned` down, then runs `body`.
  static Thread pinnedThread(int cpu, CountDownLatch pinned, Producer body) {
    return new Thread(() -> {
      try {
        try {
          pinCurrentThread(cpu);
        } finally {
          pinned.countDown();
        }
        body.run();
      } catch (Exception e) {
        e.printStackTrace();
        System.exit(1); // the run would wait for this thread forever
      }
    });
  }

  // Runs `producer` and times until every one of `ends` (the consumers nothing waits for)
  // has processed sequence `last`.
  static long time(Producer producer, long last, Sequence... ends) throws Exception {
    long start = System.nanoTime();
    producer.run();
    for (Sequence end : ends) {
      while (end.get() < last) Thread.yield();
    }
    return System.nanoTime() - start;
  }

  // `time(producer, events - 1, ends)` with `processors` running, each on its own thread.
  static long timeRun(CpuPlan cpus, BatchEventProcessor<?>[] processors, Producer producer,
      long events, Sequence... ends) throws Exception {
    Thread[] threads = start(cpus, processors);
    long elapsed = time(producer, events - 1, ends);
    stop(threads, processors);
    return elapsed;
  }

  static void publishValues(RingBuffer<ValueEvent> ring, long count) {
    for (long i = 0; i < count; i++) {
      long next = ring.next();
      ring.get(next).value = i;
      ring.publish(next);
    }
  }

  static void publishBatches(RingBuffer<ValueEvent> ring, long count) {
    for (long i = 0; i < count; i += BATCH_SIZE) {
      long hi = ring.next(BATCH_SIZE);
      long lo = hi - BATCH_SIZE + 1;
      for (long s = lo; s <= hi; s++) ring.get(s).value = s;
      ring.publish(lo, hi);
    }
  }

  static long oneToOne(long events, WaitStrategy wait, CpuPlan cpus, boolean batched)
      throws Exception {
    RingBuffer<ValueEvent> ring = RingBuffer.createSingleProducer(ValueEvent::new, RING_SIZE, wait);
    Mutation sum = new Mutation(Mutation.ADD);
    BatchEventProcessor<ValueEvent> p = new BatchEventProcessor<>(ring, ring.newBarrier(), sum);
    ring.addGatingSequences(p.getSequence());
    Producer producer = () -> {
      if (batched) {
        publishBatches(ring, events);
      } else {
        publishValues(ring, events);
      }
    };
    long elapsed =
        timeRun(cpus, new BatchEventProcessor<?>[] {p}, producer, events, p.getSequence());
    check(sum.value == sumBelow(events), "one_to_one sum");
    return rate(events, elapsed);
  }

  static long threeToOne(long events, WaitStrategy wait, CpuPlan cpus) throws Exception {
    long perProducer = events / 3;
    RingBuffer<ValueEvent> ring = RingBuffer.createMultiProducer(ValueEvent::new, RING_SIZE, wait);
    Mutation sum = new Mutation(Mutation.ADD);
    BatchEventProcessor<ValueEvent> p = new BatchEventProcessor<>(ring, ring.newBarrier(), sum);
    ring.addGatingSequences(p.getSequence());
    Thread[] consumer = start(cpus, p); // the consumer's CPU first, as in disruptor_bench
    // The producers are started and pinned before the clock, and wait for `go`.
    CountDownLatch pinned = new CountDownLatch(3);
    CountDownLatch go = new CountDownLatch(1);
    Thread[] producers = new Thread[3];
    for (int t = 0; t < 3; t++) {
      producers[t] = pinnedThread(cpus.next(), pinned, () -> {
        go.await();
        publishValues(ring, perProducer);
      });
      producers[t].start();
    }
    pinned.await();
    long elapsed = time(() -> {
      go.countDown();
      for (Thread t : producers) t.join();
    }, 3 * perProducer - 1, p.getSequence());
    stop(consumer, p);
    check(sum.value == 3 * sumBelow(perProducer), "three_to_one sum");
    return rate(3 * perProducer, elapsed);
  }

  static long pipeline(long events, WaitStrategy wait, CpuPlan cpus) throws Exception {
    RingBuffer<PipelineEvent> ring =
        RingBuffer.createSingleProducer(PipelineEvent::new, RING_SIZE, wait);
    Function three = new Function(3);
    BatchEventProcessor<PipelineEvent> first =
        new BatchEventProcessor<>(ring, ring.newBarrier(), new Function(1));
    BatchEventProcessor<PipelineEvent> second =
        new BatchEventProcessor<>(ring, ring.newBarrier(first.getSequence()), new Function(2));
    BatchEventProcessor<PipelineEvent> third =
        new BatchEventProcessor<>(ring, ring.newBarrier(second.getSequence()), three);
    ring.addGatingSequences(third.getSequence());
    long elapsed = timeRun(cpus, new BatchEventProcessor<?>[] {first, second, third}, () -> {
      for (long i = 0; i < events; i++) {
        long next = ring.next();
        PipelineEvent e = ring.get(next);
        e.operandOne = i;
        e.operandTwo = i + 1;
        ring.publish(next);
      }
    }, events, third.getSequence());
    long expected = 0;
    for (long i = 0; i < events; i++) expected += ((2 * i + 1 + 3) & 4) == 4 ? 1 : 0;
    check(three.count == expected, "pipeline count");
    return rate(events, elapsed);
  }

  static long multicast(long events, WaitStrategy wait, CpuPlan cpus) throws Exception {
    RingBuffer<ValueEvent> ring = RingBuffer.createSingleProducer(ValueEvent::new, RING_SIZE, wait);
    Mutation[] handlers = {
        new Mutation(Mutation.ADD), new Mutation(Mutation.SUBTRACT), new Mutation(Mutation.XOR)};
    BatchEventProcessor<?>[] processors = new BatchEventProcessor<?>[ 3 ];
    Sequence[] ends = new Sequence[3];
    for (int i = 0; i < 3; i++) {
      BatchEventProcessor<ValueEvent> p =
          new BatchEventProcessor<>(ring, ring.newBarrier(), handlers[i]);
      processors[i] = p;
      ends[i] = p.getSequence();
    }
    ring.addGatingSequences(ends);
    long elapsed = timeRun(cpus, processors, () -> publishValues(ring, events), events, ends);
    check(handlers[0].value == sumBelow(events) && handlers[1].value == -sumBelow(events)
            && handlers[2].value == xorBelow(events),
        "multicast sums and xor");
    return rate(events, elapsed);
  }

  static long diamond(long events, WaitStrategy wait, CpuPlan cpus) throws Exception {
    RingBuffer<ValueEvent> ring = RingBuffer.createSingleProducer(ValueEvent::new, RING_SIZE, wait);
    FizzBuzz fizzBuzz = new FizzBuzz(FizzBuzz.FIZZ_BUZZ);
    BatchEventProcessor<ValueEvent> fizz =
        new BatchEventProcessor<>(ring, ring.newBarrier(), new FizzBuzz(FizzBuzz.FIZZ));
    BatchEventProcessor<ValueEvent> buzz =
        new BatchEventProcessor<>(ring, ring.newBarrier(), new FizzBuzz(FizzBuzz.BUZZ));
    BatchEventProcessor<ValueEvent> both = new BatchEventProcessor<>(
        ring, ring.newBarrier(fizz.getSequence(), buzz.getSequence()), fizzBuzz);
    ring.addGatingSequences(both.getSequence());
    long elapsed = timeRun(cpus, new BatchEventProcessor<?>[] {fizz, buzz, both},
        () -> publishValues(ring, events), events, both.getSequence());
    check(fizzBuzz.count == (events + 14) / 15, "diamond fizzbuzz count");
    return rate(events, elapsed);
  }

  // Round-trip percentiles in ns: p50, p99, p99.9.
  static long[] pingPong(long events, WaitStrategy wait, CpuPlan cpus) throws Exception {
    RingBuffer<ValueEvent> ping =
        RingBuffer.createSingleProducer(ValueEvent::new, PING_PONG_RING_SIZE, wait);
    RingBuffer<ValueEvent> pong =
        RingBuffer.createSingleProducer(ValueEvent::new, PING_PONG_RING_SIZE, wait);
    BatchEventProcessor<ValueEvent> ponger =
        new BatchEventProcessor<>(ping, ping.newBarrier(), new Ponger(pong));
    ping.addGatingSequences(ponger.getSequence());
    long[] roundTrips = new long[(int) events];
    Thread[] threads = start(cpus, ponger);
    for (int i = 0; i < events; i++) {
      long start = System.nanoTime();
      long next = ping.next();
      ping.get(next).value = i;
      ping.publish(next);
      while (pong.getCursor() < i) Thread.onSpinWait();
      roundTrips[i] = System.nanoTime() - start;
      check(pong.get(i).value == i, "ping_pong echo");
    }
    stop(threads, ponger);
    Arrays.sort(roundTrips);
    long[] percentiles = new long[3];
    double[] quantiles = {0.50, 0.99, 0.999};
    for (int q = 0; q < 3; q++) {
      percentiles[q] = roundTrips[(int) (quantiles[q] * (double) (events - 1))];
    }
    return percentiles;
  }

  static String run(String topology, long events, WaitStrategy wait, CpuPlan cpus)
      throws Exception {
    if (topology.equals("ping_pong")) {
      long[] p = pingPong(events, wait, cpus);
      return "ping_pong p50_ns=" + p[0] + " p99_ns=" + p[1] + " p999_ns=" + p[2];
    }
    long rate;
    switch (topology) {
      case "one_to_one":
        rate = oneToOne(events, wait, cpus, false);
        break;
      case "one_to_one_batch":
        rate = oneToOne(events, wait, cpus, true);
        break;
      case "three_to_one":
        rate = threeToOne(events, wait, cpus);
        break;
      case "pipeline":
        rate = pipeline(events, wait, cpus);
        break;
      case "multicast":
        rate = multicast(events, wait, cpus);
        break;
      case "diamond":
        rate = diamond(events, wait, cpus);
        break;
      default:
        throw new IllegalArgumentException("unknown topology " + topology);
    }
    return topology + " ops_per_sec=" + rate;
  }

  public static void main(String[] args) {
    try {
      runAll(args);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1); // not return: processor threads may still be running
    }
  }

  static void runAll(String[] args) throws Exception {
    String topology = args[0];
    long events = Long.parseLong(args[1]);
    events -= events % (3 * BATCH_SIZE); // as disruptor_bench: whole batches, equal shares
    int runs = Integer.parseInt(args[2]);
    CpuPlan cpus = new CpuPlan(args.length > 4 ? args[4] : "");
    for (int i = 0; i < runs; i++) {
      WaitStrategy wait =
          args[3].equals("busy_spin") ? new BusySpinWaitStrategy() : new YieldingWaitStrategy();
      cpus.beginRun();
      System.out.println(run(topology, events, wait, cpus));
    }
  }
}
