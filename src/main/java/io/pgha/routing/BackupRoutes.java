package io.pgha.routing;

import io.pgha.admin.BackupActions;
import io.pgha.admin.BackupJobStatus;
import io.pgha.admin.Outcome;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The backup endpoints: {@code GET /backup} (the running or latest job and the health figures), {@code GET /backups}
 * (the repository's inventory), {@code POST /backup} ({@code {"type":"full"}}: 202 with the job; 409 while one
 * runs; 412 on a standby, naming the primary) and {@code POST /backup/check}.
 */
final class BackupRoutes {
    private BackupRoutes() {}

    static Response status(BackupActions backups) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("job", backups.job());
        body.put("health", backups.health());
        return Response.json(200, body);
    }

    static Response inventory(BackupActions backups) {
        try {
            return Response.json(200, backups.inventory());
        } catch (IOException e) {
            return Response.text(503, e.getMessage());
        }
    }

    static Response start(BackupActions backups, RequestBody body) throws BadRequest {
        body.only("type");
        BackupJobStatus before = backups.job();
        Outcome result = backups.start(body.string("type"));
        BackupJobStatus job = backups.job();
        int status = RestApi.statusOf(result.kind());
        if (result.kind() == Outcome.Kind.REFUSED && before != null && before.running()) status = 409;
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("message", result.message());
        answer.put("job", result.succeeded() ? job : before != null && before.running() ? before : null);
        return Response.json(status, answer);
    }

    static Response check(BackupActions backups, RequestBody body) throws BadRequest {
        body.only();
        try {
            return Response.json(200, backups.check());
        } catch (IOException e) {
            return Response.text(412, e.getMessage());
        }
    }
}
