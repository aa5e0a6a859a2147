// Reads "A<TAB>B" lines on stdin; prints the sign of ComparableVersion(A).compareTo(B).
import java.io.*;
import java.nio.charset.StandardCharsets;
import org.apache.maven.artifact.versioning.ComparableVersion;

public class ReferenceMaven {
    public static void main(String[] args) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8)));
        String line;
        while ((line = in.readLine()) != null) {
            int tab = line.indexOf('\t');
            String a = line.substring(0, tab), b = line.substring(tab + 1);
            int c;
            try {
                c = Integer.signum(new ComparableVersion(a).compareTo(new ComparableVersion(b)));
            } catch (RuntimeException e) {
                out.println("invalid");
                continue;
            }
            out.println(c);
        }
        out.flush();
    }
}
