package dev.idem.spring.routingapp;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** An application whose mappings overlap and use Spring's richer pattern syntax. */
@SpringBootApplication
public class RoutingApplication {}
