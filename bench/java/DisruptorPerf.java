// The Java LMAX Disruptor (Debian's libdisruptor-java) driven the way its perftests drive
// it, so bench/run_disruptor_vs_java.sh can set lmx's disruptor_bench beside it in one run.
//
//   java -cp disruptor.jar:. DisruptorPerf TOPOLOGY EVENTS RUNS yielding|busy_spin
//
// one_to_one        replicates OneToOneSequencedThroughputTest: ring 65536, one publish
//                   per event, ValueAdditionEventHandler
// one_to_one_batch  replicates OneToOneSequencedBatchThroughputTest (10 slots per claim)
// three_to_one      replicates ThreeToOneSequencedThroughputTest (multi-producer)
// diamond           replicates OneToThreeDiamondSequencedThroughputTest (fizz/buzz)
//
// Each run prints `<topology> ops_per_sec=<N>`, the same line disruptor_bench prints. The
// wait for completion is the same as in disruptor_bench (poll the last consumer's sequence).

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;

public final class DisruptorPerf {
  static final int RING_SIZE = 1 << 16;
  static final int BATCH_SIZE = 10;

  static final class ValueEvent {
    long value;
    boolean fizz;
    boolean buzz;
  }

  static final class Sum implements EventHandler<ValueEvent> {
    long value;
    public void onEvent(ValueEvent e, long sequence, boolean endOfBatch) { value += e.value; }
  }

  static void awaitProcessed(Sequence sequence, long last) {
    while (sequence.get() < last) Thread.yield();
  }

  static void check(boolean ok, String what) {
    if (!ok) throw new IllegalStateException("wrong result: " + what);
  }

  static Thread[] start(BatchEventProcessor<?>... processors) {
    Thread[] threads = new Thread[processors.length];
    for (int i = 0; i < processors.length; i++) {
      threads[i] = new Thread(processors[i]);
      threads[i].start();
    }
    return threads;
  }

  static void stop(Thread[] threads, BatchEventProcessor<?>... processors) throws Exception {
    for (BatchEventProcessor<?> p : processors) p.halt();
    for (Thread t : threads) t.join();
  }

  static void publishValues(RingBuffer<ValueEvent> ring, long count) {
    for (long i = 0; i < count; i++) {
      long next = ring.next();
      ring.get(next).value = i;
      ring.publish(next);
    }
  }

  static long oneToOne(long events, WaitStrategy wait, boolean batched) throws Exception {
    RingBuffer<ValueEvent> ring =
        RingBuffer.createSingleProducer(ValueEvent::new, RING_SIZE, wait);
    Sum sum = new Sum();
    BatchEventProcessor<ValueEvent> p = new BatchEventProcessor<>(ring, ring.newBarrier(), sum);
    ring.addGatingSequences(p.getSequence());
    Thread[] threads = start(p);
    long start = System.nanoTime();
    if (batched) {
      for (long i = 0; i < events; i += BATCH_SIZE) {
        long hi = ring.next(BATCH_SIZE);
        long lo = hi - BATCH_SIZE + 1;
        for (long s = lo; s <= hi; s++) ring.get(s).value = s;
        ring.publish(lo, hi);
      }
    } else {
      publishValues(ring, events);
    }
    awaitProcessed(p.getSequence(), events - 1);
    long elapsed = System.nanoTime() - start;
    stop(threads, p);
    check(sum.value == events * (events - 1) / 2, "one_to_one sum");
    return events * 1_000_000_000L / elapsed;
  }

  static long threeToOne(long events, WaitStrategy wait) throws Exception {
    long perProducer = events / 3;
    RingBuffer<ValueEvent> ring = RingBuffer.createMultiProducer(ValueEvent::new, RING_SIZE, wait);
    Sum sum = new Sum();
    BatchEventProcessor<ValueEvent> p = new BatchEventProcessor<>(ring, ring.newBarrier(), sum);
    ring.addGatingSequences(p.getSequence());
    Thread[] threads = start(p);
    long start = System.nanoTime();
    Thread[] producers = new Thread[3];
    for (int t = 0; t < 3; t++) {
      producers[t] = new Thread(() -> publishValues(ring, perProducer));
      producers[t].start();
    }
    for (Thread t : producers) t.join();
    awaitProcessed(p.getSequence(), 3 * perProducer - 1);
    long elapsed = System.nanoTime() - start;
    stop(threads, p);
    check(sum.value == 3 * (perProducer * (perProducer - 1) / 2), "three_to_one sum");
    return 3 * perProducer * 1_000_000_000L / elapsed;
  }

  static long diamond(long events, WaitStrategy wait) throws Exception {
    RingBuffer<ValueEvent> ring =
        RingBuffer.createSingleProducer(ValueEvent::new, RING_SIZE, wait);
    long[] fizzBuzz = new long[1];
    SequenceBarrier top = ring.newBarrier();
    BatchEventProcessor<ValueEvent> fizz =
        new BatchEventProcessor<>(ring, top, (e, s, end) -> e.fizz = e.value % 3 == 0);
    BatchEventProcessor<ValueEvent> buzz =
        new BatchEventProcessor<>(ring, ring.newBarrier(), (e, s, end) -> e.buzz = e.value % 5 == 0);
    BatchEventProcessor<ValueEvent> both = new BatchEventProcessor<>(ring,
        ring.newBarrier(fizz.getSequence(), buzz.getSequence()), (e, s, end) -> {
          if (e.fizz && e.buzz) fizzBuzz[0]++;
        });
    ring.addGatingSequences(both.getSequence());
    Thread[] threads = start(fizz, buzz, both);
    long start = System.nanoTime();
    publishValues(ring, events);
    awaitProcessed(both.getSequence(), events - 1);
    long elapsed = System.nanoTime() - start;
    stop(threads, fizz, buzz, both);
    check(fizzBuzz[0] == (events + 14) / 15, "diamond fizzbuzz count");
    return events * 1_000_000_000L / elapsed;
  }

  public static void main(String[] args) throws Exception {
    String topology = args[0];
    long events = Long.parseLong(args[1]);
    events -= events % (3 * BATCH_SIZE);  // as disruptor_bench: whole batches, equal shares
    int runs = Integer.parseInt(args[2]);
    for (int run = 0; run < runs; run++) {
      WaitStrategy wait =
          args[3].equals("busy_spin") ? new BusySpinWaitStrategy() : new YieldingWaitStrategy();
      long rate;
      switch (topology) {
        case "one_to_one": rate = oneToOne(events, wait, false); break;
        case "one_to_one_batch": rate = oneToOne(events, wait, true); break;
        case "three_to_one": rate = threeToOne(events, wait); break;
        case "diamond": rate = diamond(events, wait); break;
        default: throw new IllegalArgumentException("unknown topology " + topology);
      }
      System.out.println(topology + " ops_per_sec=" + rate);
    }
  }
}
