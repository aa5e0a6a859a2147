/// Facts about this build of fnaudit.
public enum FnauditInfo {
    public static let version = "0.1.0"
}
