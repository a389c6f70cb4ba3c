package dev.ferry.swarm.bencode;

/** A bencoded value: an integer, a byte string, a list or a dictionary. */
public sealed interface BValue permits BInteger, BString, BList, BDict {}
