package io.pgha.dcs;

import io.pgha.config.NodeConfig;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

/** A handshake of our own, without a client certificate, tells a CA the client does not trust from a certificate etcd refuses. */
final class EtcdTlsProbe {
    private static final int TIMEOUT_MILLIS = 2000;

    private EtcdTlsProbe() {}

    /** Why a TLS handshake with the first endpoint fails, trusting only {@code ca_file}; null if it succeeds or cannot be tried. */
    static String handshakeProblem(NodeConfig.Etcd etcd) {
        URI first = URI.create(etcd.endpoints().getFirst());
        if (!"https".equals(first.getScheme())) return null;
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(etcd.caFile() == null ? null : caStore(etcd));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            try (SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket()) {
                socket.connect(new InetSocketAddress(first.getHost(), first.getPort()), TIMEOUT_MILLIS);
                socket.setSoTimeout(TIMEOUT_MILLIS);
                socket.startHandshake();
            }
            return null;
        } catch (SSLException e) {
            return e.getMessage();
        } catch (IOException | GeneralSecurityException e) {
            return null;
        }
    }

    static KeyStore caStore(NodeConfig.Etcd etcd) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(etcd.caFile())) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) store.setCertificateEntry("ca" + i++, c);
        }
        return store;
    }
}
