@rem Runs the Gradle wrapper on Windows: the same as gradlew (Java from JAVA_HOME, else from the PATH).
@echo off
setlocal
set "HERE=%~dp0"
if not defined JAVA_HOME goto pathJava
set "JAVA_EXE=%JAVA_HOME%\bin\java.exe"
if exist "%JAVA_EXE%" goto run
echo gradlew: JAVA_HOME is "%JAVA_HOME%", but "%JAVA_EXE%" does not exist 1>&2
exit /b 1
:pathJava
set "JAVA_EXE=java.exe"
where java.exe >nul 2>nul
if %ERRORLEVEL% equ 0 goto run
echo gradlew: no java on the PATH and JAVA_HOME is not set (a JDK 17 or newer runs this build) 1>&2
exit /b 1
:run
"%JAVA_EXE%" -Xmx64m -Xms64m %JAVA_OPTS% %GRADLE_OPTS% "-Dorg.gradle.appname=%~n0" -classpath "%HERE%gradle\wrapper\gradle-wrapper.jar" org.gradle.wrapper.GradleWrapperMain %*
exit /b %ERRORLEVEL%
