// Kafka's own Admin client, so tests compare what the operator reports with what Kafka's tools
// print. Usage: java KafkaAdminReport.java BOOTSTRAP topic-id TOPIC | racks
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.Node;

public class KafkaAdminReport {
  public static void main(String[] args) throws Exception {
    Properties properties = new Properties();
    properties.put("bootstrap.servers", args[0]);
    try (Admin admin = Admin.create(properties)) {
      switch (args[1]) {
        case "topic-id" ->
          System.out.println(admin.describeTopics(List.of(args[2])).allTopicNames().get().get(args[2]).topicId());
        case "racks" -> {
          for (Node node : admin.describeCluster().nodes().get()) {
            System.out.println(node.id() + " " + (node.hasRack() ? node.rack() : "-"));
          }
        }
        default -> throw new IllegalArgumentException("unknown report " + args[1]);
      }
    }
  }
}
