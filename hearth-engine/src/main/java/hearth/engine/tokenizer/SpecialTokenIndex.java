package hearth.engine.tokenizer;

import java.util.Arrays;

/**
 * A character trie over the texts of the special tokens, to find in one pass over an input which of them occur at
 * all. Vocabularies with thousands of special tokens (reserved and unused slots) then cost one scan of the input
 * instead of one per token.
 */
final class SpecialTokenIndex {
    private static final class Node {
        char[] keys = new char[0];
        Node[] next = new Node[0];
        final int index;

        Node(int index) {
            this.index = index;
        }

        Node child(char c) {
            for (int i = 0; i < keys.length; i++) if (keys[i] == c) return next[i];
            return null;
        }
    }

    private final Node root;
    private int nodeCount;
    /** Trie node index at which each special token's text ends, in {@link Vocabulary#specialTextTokens()} order. */
    private final int[] endNode;
    private final boolean[] isEnd;

    SpecialTokenIndex(String[] texts) {
        root = new Node(nodeCount++);
        endNode = new int[texts.length];
        for (int k = 0; k < texts.length; k++) {
            Node node = root;
            String t = texts[k];
            for (int i = 0; i < t.length(); i++) {
                char c = t.charAt(i);
                Node child = node.child(c);
                if (child == null) {
                    child = new Node(nodeCount++);
                    node.keys = Arrays.copyOf(node.keys, node.keys.length + 1);
                    node.next = Arrays.copyOf(node.next, node.next.length + 1);
                    node.keys[node.keys.length - 1] = c;
                    node.next[node.next.length - 1] = child;
                }
                node = child;
            }
            endNode[k] = node.index;
        }
        isEnd = new boolean[nodeCount];
        for (int n : endNode) isEnd[n] = true;
    }

    /** For each special token (same order as the texts given), whether its text occurs somewhere in {@code text}. */
    boolean[] occurring(String text) {
        boolean[] hitNode = new boolean[nodeCount];
        for (int i = 0; i < text.length(); i++) {
            Node node = root;
            for (int j = i; j < text.length(); j++) {
                node = node.child(text.charAt(j));
                if (node == null) break;
                if (isEnd[node.index]) hitNode[node.index] = true;
            }
        }
        boolean[] hit = new boolean[endNode.length];
        for (int k = 0; k < endNode.length; k++) hit[k] = hitNode[endNode[k]];
        return hit;
    }
}
