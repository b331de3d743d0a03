package org.clipbench.cli;

/**
 * What bench --jvm runs before any fork: a java that answers -version can still fail to run a fork (a wrapper
 * that only fakes -version, a JDK without the Vector API), and JMH then failed every combination with
 * "Unable to extract forked JVM properties". This class is started as a fork would be (this jar's class path,
 * --add-modules=jdk.incubator.vector) and prints {@link #OK} with the version when it ran.
 */
public final class ForkProbe {
    static final String OK = "clipbench fork probe ran on java";

    private ForkProbe() {
    }

    public static void main(String[] args) throws ClassNotFoundException {
        Class.forName("jdk.incubator.vector.FloatVector"); // the kernels' Vector API, as a fork loads it
        System.out.println(OK + " " + Runtime.version());
    }
}
