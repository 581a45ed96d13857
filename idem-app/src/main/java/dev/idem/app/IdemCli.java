package dev.idem.app;

public final class IdemCli {
  public static void main(String[] args) {}
}
