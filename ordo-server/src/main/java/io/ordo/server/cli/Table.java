package io.ordo.server.cli;

import java.util.ArrayList;
import java.util.List;

/** A plain text table: a header row, then rows; columns padded to their widest cell, two spaces apart. */
final class Table {
    private final List<String[]> rows = new ArrayList<>();
    private final boolean[] right;

    /** @param header column titles; a title starting with {@code >} is right-aligned (counts) and shown without it */
    Table(String... header) {
        right = new boolean[header.length];
        String[] h = new String[header.length];
        for (int i = 0; i < header.length; i++) {
            right[i] = header[i].startsWith(">");
            h[i] = right[i] ? header[i].substring(1) : header[i];
        }
        rows.add(h);
    }

    Table row(Object... cells) {
        String[] r = new String[right.length];
        for (int i = 0; i < r.length; i++) r[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "-";
        rows.add(r);
        return this;
    }

    int size() {
        return rows.size() - 1;
    }

    String render() {
        int[] width = new int[right.length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                if (i > 0) line.append("  ");
                line.append(String.format("%" + (right[i] ? "" : "-") + width[i] + "s", r[i]));
            }
            b.append(line.toString().stripTrailing()).append(System.lineSeparator());
        }
        return b.toString();
    }
}
