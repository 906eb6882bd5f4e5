package hearth.engine.tokenizer;

import static hearth.engine.tokenizer.UnicodeProps.flags;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Code point classes as the reference's Unicode 15.1 tables give them, on top of the JDK's newer database. */
class UnicodePropsTest {

    @Test
    void categoriesFollowTheFirstLetterOfTheGeneralCategory() {
        assertThat(flags('a') & 0xFF).isEqualTo(UnicodeProps.LETTER);
        assertThat(flags('7') & 0xFF).isEqualTo(UnicodeProps.NUMBER);
        assertThat(flags(0x00BD) & 0xFF).as("½").isEqualTo(UnicodeProps.NUMBER);
        assertThat(flags(0x0301) & 0xFF).as("combining acute").isEqualTo(UnicodeProps.MARK);
        assertThat(flags('~') & 0xFF).isEqualTo(UnicodeProps.SYMBOL);
        assertThat(flags('!') & 0xFF).isEqualTo(UnicodeProps.PUNCTUATION);
        assertThat(flags(0x200D) & 0xFF).as("zero-width joiner").isEqualTo(UnicodeProps.CONTROL);
        assertThat(flags(0xE000) & 0xFF).as("private use").isEqualTo(UnicodeProps.CONTROL);
        assertThat(flags(0x0378) & 0xFF).as("unassigned").isEqualTo(UnicodeProps.UNDEFINED);
        assertThat(flags(0x110000)).as("outside the code space").isZero();
    }

    @Test
    void codePointsNewInUnicode16CountAsUnassigned() {
        // U+1C89 CYRILLIC CAPITAL LETTER TJE and U+10D40 GARAY DIGIT ZERO are Unicode 16.0
        assertThat(Character.getType(0x1C89)).isEqualTo((int) Character.UPPERCASE_LETTER);
        assertThat(flags(0x1C89) & 0xFF).isEqualTo(UnicodeProps.UNDEFINED);
        assertThat(UnicodeProps.toLower(0x1C89)).isEqualTo(0x1C89);
        assertThat(flags(0x10D40) & 0xFF).isEqualTo(UnicodeProps.UNDEFINED);
        assertThat(flags(0x1C88) & 0xFF).as("Unicode 9 neighbour").isEqualTo(UnicodeProps.LETTER);
    }

    @Test
    void whitespaceIsTheUnicodeWhiteSpaceProperty() {
        for (int cp : new int[] {' ', '\t', '\n', 0x0B, 0x0C, '\r', 0x85, 0xA0, 0x1680, 0x2000, 0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000}) {
            assertThat(flags(cp) & UnicodeProps.WHITESPACE).as("U+%04X", cp).isNotZero();
        }
        for (int cp : new int[] {0x1C, 0x1F, 0x200B, 0x180E, 0xFEFF}) {
            assertThat(flags(cp) & UnicodeProps.WHITESPACE).as("U+%04X", cp).isZero();
        }
    }

    @Test
    void decompositionKeepsOnlyTheBaseCharacter() {
        assertThat(UnicodeProps.nfdFirst(0x00FC)).as("ü").isEqualTo('u');
        assertThat(UnicodeProps.nfdFirst(0x1EC7)).as("ệ").isEqualTo('e');
        assertThat(UnicodeProps.nfdFirst(0xD55C)).as("한 -> leading jamo").isEqualTo(0x1112);
        assertThat(UnicodeProps.nfdFirst('a')).isEqualTo('a');
    }

    @Test
    void categoryEscapesAreRewrittenForTheCollapsedText() {
        assertThat(RegexSplit.collapse("\\p{N}+")).isEqualTo("[\u00D10-9]+");
        assertThat(RegexSplit.collapse("[^\\s\\p{L}]")).isEqualTo("[^\\s\u00D2A-Za-z]");
        // the reference's ASCII symbol list has no '~'
        assertThat(RegexSplit.of("\\p{S}").pattern().matcher("~").matches()).isFalse();
        assertThat(RegexSplit.of("\\p{S}").pattern().matcher("$").matches()).isTrue();
    }
}
