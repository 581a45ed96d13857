package com.example.shop;

import dev.idem.spring.Idempotent;
import java.net.URI;
import java.util.UUID;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

@SpringBootApplication
@RestController
public class ShopApplication {

  record OrderRequest(String item, long amount) {}

  record Order(String id, String item, long amount) {}

  public static void main(String[] args) {
    SpringApplication.run(ShopApplication.class, args);
  }

  @Idempotent(retention = "24h")
  @PostMapping("/orders")
  ResponseEntity<Order> create(@RequestBody OrderRequest request) {
    // Charge the card, write the order: this runs once per Idempotency-Key.
    Order order = new Order(UUID.randomUUID().toString(), request.item(), request.amount());
    return ResponseEntity.created(URI.create("/orders/" + order.id())).body(order);
  }
}
