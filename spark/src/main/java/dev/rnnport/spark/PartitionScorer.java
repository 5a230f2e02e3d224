package dev.rnnport.spark;

import dev.rnnport.nn.RecurrentNetwork;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Scores one partition: takes rows {@code batchSize} at a time, checks each, runs the good ones
 * through the native engine together and appends output, h_n, c_n (for an LSTM) and the error
 * column (when set) to every row. Rows stream through; only one mini-batch is held at a time.
 */
final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Broadcast<ModelBytes> model;
    private final ScoringSettings settings;

    PartitionScorer(Broadcast<ModelBytes> model, ScoringSettings settings) {
        this.model = model;
        this.settings = settings;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        RecurrentNetwork net = NetworkCache.get(model.value(), settings.networkName());
        TaskContext task = TaskContext.get();
        int partition = task == null ? 0 : task.partitionId();
        return new ScoredRows(rows, net, partition);
    }

    /** The partition's rows with their results, computed a mini-batch ahead of the consumer. */
    private final class ScoredRows implements Iterator<Row> {
        private final Iterator<Row> rows;
        private final RecurrentNetwork net;
        private final BatchScorer scorer;
        private final int partition;
        private final boolean lstm;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private long position;

        ScoredRows(Iterator<Row> rows, RecurrentNetwork net, int partition) {
            this.rows = rows;
            this.net = net;
            this.partition = partition;
            this.scorer = new BatchScorer(net, settings.precision(), settings.strategy());
            this.lstm = net.config().cell() == dev.rnnport.nn.CellKind.LSTM;
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && rows.hasNext()) {
                scoreNextBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void scoreNextBatch() {
            List<Row> batch = new ArrayList<>(settings.batchSize());
            List<String> problems = new ArrayList<>(settings.batchSize());
            List<double[][]> good = new ArrayList<>(settings.batchSize());
            List<Integer> validSteps = new ArrayList<>(settings.batchSize());
            while (batch.size() < settings.batchSize() && rows.hasNext()) {
                Row row = rows.next();
                double[][] steps = SequenceRows.steps(row.get(settings.inputIndex()));
                String problem = SequenceRows.problem(steps, net.config().inputSize(), settings.refuseNonFinite());
                int valid = steps == null ? 0 : steps.length;
                if (problem == null && settings.lengthsIndex() >= 0) {
                    Object length = row.get(settings.lengthsIndex());
                    if (length == null) {
                        problem = "the length is null";
                    } else if (((Number) length).longValue() < 0 || ((Number) length).longValue() > steps.length) {
                        problem = "the length is " + length + ", expected 0 to the sequence's " + steps.length + " steps";
                    } else {
                        valid = ((Number) length).intValue();
                    }
                }
                if (problem != null && !settings.withErrorColumn()) {
                    throw new BadRowException(describe(row), problem);
                }
                batch.add(row);
                problems.add(problem);
                if (problem == null) {
                    good.add(steps);
                    validSteps.add(valid);
                }
                position++;
            }
            List<ScoredSequence> results = good.isEmpty() ? List.of()
                    : scorer.score(good, settings.lengthsIndex() < 0 ? null
                            : validSteps.stream().mapToInt(Integer::intValue).toArray());
            Iterator<ScoredSequence> result = results.iterator();
            for (int i = 0; i < batch.size(); i++) {
                ScoredSequence s = problems.get(i) == null ? result.next() : null;
                ready.add(withResults(batch.get(i), s, problems.get(i)));
            }
        }

        private Row withResults(Row row, ScoredSequence s, String problem) {
            int n = row.length();
            Object[] values = new Object[n + (lstm ? 3 : 2) + (settings.withErrorColumn() ? 1 : 0)];
            for (int i = 0; i < n; i++) {
                values[i] = row.get(i);
            }
            values[n++] = s == null ? null : s.output();
            values[n++] = s == null ? null : s.hN();
            if (lstm) {
                values[n++] = s == null ? null : s.cN();
            }
            if (settings.withErrorColumn()) {
                values[n] = problem;
            }
            return RowFactory.create(values);
        }

        /** The row as its user knows it: by key, or by position when there is no key column. */
        private String describe(Row row) {
            if (settings.keyIndex() >= 0) {
                return "row with " + settings.keyName() + " = " + row.get(settings.keyIndex());
            }
            return "row " + position + " of partition " + partition + " (set a key column to name rows by key)";
        }
    }
}
