package dev.griddle.bench;

/** One fixed benchmark: creates its runners through the API, drives them, and prints its result lines. */
interface Scenario {

    void run(Bench bench) throws Exception;
}
