package dev.griddle.server.apply;

/** What applying one object of a bundle does to it. */
public enum Action { CREATE, UPDATE, UNCHANGED }
