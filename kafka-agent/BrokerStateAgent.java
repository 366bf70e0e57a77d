// A Java agent in each broker's JVM that answers the pod's readiness probe from the broker's own state:
// GET /ready is 200 once Kafka's BrokerState gauge says RUNNING (registered, unfenced and caught up with
// the metadata log), 503 before that, while shutting down, or when the state cannot be read. A JVM that
// stopped serving answers nothing, so the probe times out. It is the role Strimzi's agent plays.
package io.kafkaactoroperator.agent;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.management.InstanceNotFoundException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

public final class BrokerStateAgent {
  // org.apache.kafka.metadata.BrokerState.RUNNING
  private static final int RUNNING = 3;

  private BrokerStateAgent() {}

  // The agent argument is the port to listen on.
  public static void premain(String arguments) throws Exception {
    int port = Integer.parseInt(arguments.trim());
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    ObjectName brokerState = new ObjectName("kafka.server:type=KafkaServer,name=BrokerState");
    MBeanServer beans = ManagementFactory.getPlatformMBeanServer();
    server.createContext("/ready", exchange -> answer(exchange, beans, brokerState));
    // Started from a daemon thread, the server's dispatcher thread is a daemon too: it never keeps a
    // broker's JVM alive once Kafka has shut down.
    Thread starter = new Thread(server::start, "broker-state-agent");
    starter.setDaemon(true);
    starter.start();
    starter.join();
  }

  private static void answer(HttpExchange exchange, MBeanServer beans, ObjectName brokerState)
      throws IOException {
    int status;
    String body;
    try {
      int state = ((Number) beans.getAttribute(brokerState, "Value")).intValue();
      status = state == RUNNING ? 200 : 503;
      body = "broker state " + state + "\n";
    } catch (InstanceNotFoundException notYet) {
      status = 503;
      body = "the broker has not registered its state yet\n";
    } catch (Exception error) {
      status = 503;
      body = "the broker state cannot be read: " + error + "\n";
    }
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}
