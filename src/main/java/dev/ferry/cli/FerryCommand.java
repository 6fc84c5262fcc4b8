package dev.ferry.cli;

/** Entry point of the {@code ferry} command. */
public final class FerryCommand {

    public static void main(String[] args) {
        System.out.println("ferry");
    }
}
