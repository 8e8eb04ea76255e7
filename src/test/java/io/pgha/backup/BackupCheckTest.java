package io.pgha.backup;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The repository listings BackupCheck reads, as a real pgBackRest 2.45 printed them. */
class BackupCheckTest {
    @Test
    void onlyCompleteSegmentsCountNotBackupLabelsPartialsOrHistoryFiles() throws Exception {
        String ls = """
                {".":{"type":"path"},"15-1":{"type":"path"},"15-1/0000000100000000":{"type":"path"},\
                "15-1/0000000100000000/000000010000000000000001-84aad8b5a6be90198848e8e23dc79410c3ffc290.gz":{"type":"file","size":1396550,"time":1796052616},\
                "15-1/0000000100000000/000000010000000000000002-346b38aea27051f6e63f16a2aded8bd57710b815.gz":{"type":"file","size":16464,"time":1796052623},\
                "15-1/0000000100000000/000000010000000000000002.00000028.backup":{"type":"file","size":371,"time":1796052623},\
                "15-1/0000000100000000/000000010000000000000003.partial-83d7bf20032906c9f2ef73111885050329656ef4.gz":{"type":"file","size":1375132,"time":1796052625},\
                "15-1/00000002.history":{"type":"file","size":42,"time":1796052687},\
                "archive.info":{"type":"file","size":253,"time":1796052687}}""";
        assertThat(BackupCheck.segments(ls)).containsExactlyInAnyOrder("000000010000000000000001", "000000010000000000000002");
    }

    @Test
    void theArchiveIdIsTheCurrentDatabasesOne() throws Exception {
        String info = "[{\"archive\":[{\"database\":{\"id\":1},\"id\":\"15-1\",\"max\":\"000000010000000000000004\","
                + "\"min\":\"000000010000000000000001\"},{\"database\":{\"id\":2},\"id\":\"15-2\"}],\"backup\":[],\"name\":\"s\"}]";
        assertThat(BackupCheck.archiveId(info)).isEqualTo("15-2");
    }
}
