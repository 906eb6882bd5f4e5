package hearth.engine.tokenizer;

/** A piece of the input after special-token matching: either plain text still to tokenize or a matched token. */
sealed interface Fragment permits Fragment.Text, Fragment.Token {

    /** Chars [start, end) of the input string. */
    record Text(int start, int end) implements Fragment {
    }

    record Token(int id) implements Fragment {
    }
}
