# Multi-stage: build the jar with the Maven wrapper on a JDK, run it on a small JRE as a non-root user.
#   docker build -t ferry .
#   docker run --rm -p 8080:8080 -v $PWD/examples/reverse-proxy.yaml:/etc/ferry/ferry.yaml:ro ferry
FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -q -B dependency:go-offline
COPY src src
RUN ./mvnw -q -B -DskipTests package

FROM eclipse-temurin:17-jre
RUN useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin ferry
COPY --from=build /src/target/ferry.jar /opt/ferry/ferry.jar
COPY docker/ferry.yaml /etc/ferry/ferry.yaml
USER ferry
EXPOSE 8080 9901
ENTRYPOINT ["java", "-jar", "/opt/ferry/ferry.jar"]
CMD ["run", "-c", "/etc/ferry/ferry.yaml"]
