package dev.ferry.http;

/** Character classes of RFC 9110 §5.6, as lookup tables for the request parser. */
final class HttpChars {

    private static final boolean[] TCHAR = new boolean[256];
    private static final boolean[] FIELD_VCHAR = new boolean[256];
    private static final boolean[] TARGET = new boolean[256];

    static {
        String specials = "!#$%&'*+-.^_`|~";
        for (int c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : specials.toCharArray()) {
            TCHAR[c] = true;
        }
        // RFC 9110 §5.5: field-vchar = VCHAR / obs-text; SP and HTAB are allowed inside a value.
        for (int c = 0x21; c <= 0x7E; c++) {
            FIELD_VCHAR[c] = true;
            TARGET[c] = true;
        }
        for (int c = 0x80; c <= 0xFF; c++) {
            FIELD_VCHAR[c] = true;
        }
        FIELD_VCHAR[' '] = true;
        FIELD_VCHAR['\t'] = true;
        // A fragment is never sent in a request target (RFC 9112 §3.2).
        TARGET['#'] = false;
    }

    private HttpChars() {
    }

    static boolean isTchar(byte b) {
        return TCHAR[b & 0xFF];
    }

    static boolean isFieldChar(byte b) {
        return FIELD_VCHAR[b & 0xFF];
    }

    static boolean isTargetChar(byte b) {
        return TARGET[b & 0xFF];
    }

    /** A Host value: reg-name, IP literal or address, optional port (RFC 3986 §3.2.2, no userinfo). */
    static boolean isHost(CharSequence host) {
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (!(Character.isLetterOrDigit(c) && c < 128) && "-._~!$&'()*+,;=:[]%".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    static boolean isToken(CharSequence s) {
        if (s.length() == 0) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c > 0xFF || !TCHAR[c]) {
                return false;
            }
        }
        return true;
    }

    static int hexValue(byte b) {
        if (b >= '0' && b <= '9') {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f') {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F') {
            return b - 'A' + 10;
        }
        return -1;
    }
}
