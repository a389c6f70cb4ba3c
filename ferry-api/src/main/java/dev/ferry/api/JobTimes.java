package dev.ferry.api;

import java.time.Instant;
import java.util.Optional;

/** BG_JOB_TIMES. The transfer completion time exists once the job has entered TRANSFERRED. */
public record JobTimes(
    Instant creationTime, Instant modificationTime, Optional<Instant> transferCompletionTime) {}
