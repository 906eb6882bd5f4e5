package hearth.bench.dataset;

import java.util.SplittableRandom;

/**
 * Random English-looking text for synthetic prompts. Plain common words keep the token-per-character ratio close
 * to that of real prose in BPE and SentencePiece vocabularies, and random order keeps prompts from sharing
 * prefixes by accident (which would flatter servers with a prefix cache).
 */
public final class Words {
    private static final String[] WORDS = ("""
            the of and to in is was that for it with as on be at by this had not are but from or have an they which one
            you were all we her she there would their will when who him been has more if no out so said what up its about
            into than them can only other new some could time these two may then do first any my now such like our over
            man me even most made after also did many before must through back years where much your way well down should
            because each just those people how too little state good very make world still own see men work long get here
            between both life being under never day same another know while last might us great old year off come since
            against go came right used take three small house water light river garden window morning evening story
            yellow green quiet bright simple careful gentle sudden early late open close near far above below across
            along around behind beyond inside outside toward within without answer question number reason problem
            example system program memory engine server request token model cache result value table paper letter
            mountain forest ocean island city village road bridge market school friend family mother father child
            doctor teacher farmer writer singer painter dog cat bird horse fish tree flower stone cloud rain snow wind
            fire winter summer spring autumn happy strong clever honest patient curious brave kind warm cold heavy
            """).strip().split("\\s+");

    private Words() {}

    /** About {@code chars} characters of random words (it stops at the first word boundary past the target). */
    public static String text(SplittableRandom rnd, int chars) {
        StringBuilder sb = new StringBuilder(chars + 16);
        while (sb.length() < chars) {
            if (!sb.isEmpty()) sb.append(' ');
            sb.append(WORDS[rnd.nextInt(WORDS.length)]);
        }
        return sb.toString();
    }

    public static int vocabularySize() {
        return WORDS.length;
    }
}
