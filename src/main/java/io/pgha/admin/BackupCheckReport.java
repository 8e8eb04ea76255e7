package io.pgha.admin;

import java.util.List;

/** The outcome of {@code pgha backup check}: each step's finding in plain words, and whether all passed. */
public record BackupCheckReport(boolean ok, List<String> findings) {}
